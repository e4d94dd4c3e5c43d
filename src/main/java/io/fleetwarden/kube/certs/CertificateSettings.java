package io.fleetwarden.kube.certs;

import java.time.Duration;
import java.util.List;

/**
 * What the self-managed certificates look like and where they go.
 *
 * @param namespace where both Secrets live (the webhook's own namespace)
 * @param secretName the serving Secret, mounted by every replica ({@code tls.crt}, {@code tls.key}, {@code ca.crt})
 * @param caSecretName the CA Secret with the CA key; never mounted, read by the leader through the API only
 * @param dnsNames the serving certificate's names, first is the subject CN
 * @param validatingConfigurations ValidatingWebhookConfigurations whose every webhook gets the {@code caBundle}
 * @param mutatingConfigurations MutatingWebhookConfigurations likewise
 * @param overlap how long a CA is trusted before it signs, and trusted after it stopped signing
 */
public record CertificateSettings(String namespace, String secretName, String caSecretName, List<String> dnsNames,
        List<String> validatingConfigurations, List<String> mutatingConfigurations, Duration caLifetime,
        Duration servingLifetime, Duration overlap) {

    public CertificateSettings {
        dnsNames = List.copyOf(dnsNames);
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

    /** The names the API server uses for a webhook Service: {@code <service>.<namespace>.svc[.<cluster domain>]}. */
    public static List<String> serviceDnsNames(String service, String namespace, String clusterDomain) {
        return List.of(service + "." + namespace + ".svc", service + "." + namespace + ".svc." + clusterDomain);
    }
}
