package io.fleetwarden.config;

import io.fleetwarden.kube.certs.CertificateSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Self-managed webhook certificates ({@code fleetwarden.certs.*}). With {@code self-managed=false}
 * (the cert-manager overlay) fleetwarden only serves what is mounted and writes no Secret or
 * {@code caBundle}.
 */
@ConfigMapping(prefix = "fleetwarden.certs")
public interface CertificatesConfig {

    /** Env {@code FLEETWARDEN_CERTS_SELF_MANAGED}. */
    @WithDefault("true")
    boolean selfManaged();

    /** The webhook's namespace (downward API {@code POD_NAMESPACE}), where both Secrets live. */
    @WithDefault("${POD_NAMESPACE:flux-system}")
    String namespace();

    /** Mounted by every replica: {@code tls.crt}, {@code tls.key}, {@code ca.crt}. */
    @WithDefault("fleetwarden-webhook-tls")
    String secretName();

    /** Holds the CA key; read and written by the leader through the API, never mounted. */
    @WithDefault("fleetwarden-webhook-ca")
    String caSecretName();

    /** The Service the webhook configurations call; the certificate is for {@code <service>.<namespace>.svc}. */
    @WithDefault("fleetwarden")
    String serviceName();

    @WithDefault("cluster.local")
    String clusterDomain();

    /**
     * IP literals the serving certificate is also for (env {@code FLEETWARDEN_CERTS_IP_ADDRESSES}, comma
     * separated), for webhook configurations that call {@code url: https://<ip>...} instead of the Service:
     * the service run outside the cluster (development) or behind a fixed address. Host names are refused.
     */
    Optional<List<String>> ipAddresses();

    @WithDefault("fleetwarden")
    List<String> validatingWebhookConfigurations();

    @WithDefault("fleetwarden-defaults")
    List<String> mutatingWebhookConfigurations();

    /**
     * One year: the CA key sits in a Secret, so a short life bounds what a leaked key is worth, and rotation
     * is automatic (a successor is trusted for {@code overlap} before it signs). 8760h = 365 days.
     */
    @WithDefault("8760h")
    Duration caLifetime();

    /** 90 days, renewed with 30 days left; a renewal from the same CA needs no trust change. */
    @WithDefault("2160h")
    Duration servingLifetime();

    /**
     * How long a new CA is in {@code caBundle} before it signs, and an old one after it stopped: covers the
     * API servers picking up the configuration (seconds) and the kubelet delivering the new Secret to every
     * replica (about a minute) plus {@code fleetwarden.tls.reload-period}, with a wide margin.
     */
    @WithDefault("1h")
    Duration overlap();

    /** How often the leader checks; a pass that finds everything good is four GETs. */
    @WithDefault("10m")
    Duration checkPeriod();

    /** At first start (no Secret yet): how long to wait for the kubelet to mount the new Secret before exiting. */
    @WithDefault("3m")
    Duration bootstrapWait();

    default CertificateSettings settings() {
        return new CertificateSettings(namespace(), secretName(), caSecretName(),
                CertificateSettings.serviceDnsNames(serviceName(), namespace(), clusterDomain()), ipAddresses().orElse(List.of()),
                validatingWebhookConfigurations(), mutatingWebhookConfigurations(), caLifetime(), servingLifetime(), overlap());
    }
}
