package io.fleetwarden.kube.certs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.util.IPAddress;

/**
 * What the self-managed certificates look like and where they go.
 *
 * @param namespace where both Secrets live (the webhook's own namespace)
 * @param secretName the serving Secret, mounted by every replica ({@code tls.crt}, {@code tls.key}, {@code ca.crt})
 * @param caSecretName the CA Secret with the CA key; never mounted, read by the leader through the API only
 * @param dnsNames the serving certificate's names, first is the subject CN
 * @param ipAddresses IP literals the certificate is also for (a webhook reached by {@code url:} at a fixed address),
 *                    normalised to {@link InetAddress#getHostAddress()}'s form, the form X.509 parsing gives back
 * @param validatingConfigurations ValidatingWebhookConfigurations whose every webhook gets the {@code caBundle}
 * @param mutatingConfigurations MutatingWebhookConfigurations likewise
 * @param overlap how long a CA is trusted before it signs, and trusted after it stopped signing
 */
public record CertificateSettings(String namespace, String secretName, String caSecretName, List<String> dnsNames,
        List<String> ipAddresses, List<String> validatingConfigurations, List<String> mutatingConfigurations, Duration caLifetime,
        Duration servingLifetime, Duration overlap) {

    public CertificateSettings {
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = ipLiterals(ipAddresses);
        validatingConfigurations = List.copyOf(validatingConfigurations);
        mutatingConfigurations = List.copyOf(mutatingConfigurations);
        if (dnsNames.isEmpty()) {
            throw new IllegalArgumentException("the serving certificate needs at least one DNS name");
        }
        // The CA is renewed with a third of its life left and signs only after the overlap; a serving
        // certificate must fit in what is left of the CA then, or it would be cut short at every issue.
        if (caLifetime.dividedBy(3).compareTo(servingLifetime.plus(overlap.multipliedBy(2))) < 0) {
            throw new IllegalArgumentException("fleetwarden.certs.ca-lifetime (" + caLifetime
                    + ") must be at least 3 x (serving-lifetime + 2 x overlap)");
        }
    }

    /**
     * Every entry must be an IPv4 or IPv6 literal: a host name here would be resolved (a DNS lookup at startup,
     * and a certificate for whatever address it happened to resolve to), so it is refused instead, naming the
     * option. Normalised so that {@code ::1} and {@code 0:0:0:0:0:0:0:1} compare equal with the certificate's SAN.
     */
    static List<String> ipLiterals(List<String> entries) {
        List<String> out = new ArrayList<>();
        for (String entry : entries) {
            String trimmed = entry == null ? "" : entry.trim();
            if (!IPAddress.isValidIPv4(trimmed) && !IPAddress.isValidIPv6(trimmed)) {
                throw new IllegalArgumentException("fleetwarden.certs.ip-addresses: \"" + entry
                        + "\" is not an IPv4 or IPv6 address literal (DNS names come from the Service, see service-name)");
            }
            try {
                // A literal is parsed, never looked up.
                String normal = InetAddress.getByName(trimmed).getHostAddress();
                if (!out.contains(normal)) {
                    out.add(normal);
                }
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("fleetwarden.certs.ip-addresses: \"" + entry + "\" is not an address", e);
            }
        }
        return List.copyOf(out);
    }

    /** The names the API server uses for a webhook Service: {@code <service>.<namespace>.svc[.<cluster domain>]}. */
    public static List<String> serviceDnsNames(String service, String namespace, String clusterDomain) {
        return List.of(service + "." + namespace + ".svc", service + "." + namespace + ".svc." + clusterDomain);
    }
}
