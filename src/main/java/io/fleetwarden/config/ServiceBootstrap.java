package io.fleetwarden.config;

import io.fleetwarden.admission.tls.ServingTlsConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fleetwarden.kube.certs.CertificateBootstrap;
import io.fleetwarden.kube.certs.CertificateSettings;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * What the service does before Quarkus starts: make sure the serving certificate files exist (see
 * {@link CertificateBootstrap} for why this cannot wait for the leader). Quarkus is not running yet, so the
 * settings come from a plain SmallRye config: environment variables and system properties over the
 * mappings' defaults (the Deployment configures fleetwarden through the environment). The Kubernetes
 * client uses the in-cluster service account, like Quarkus's does.
 */
public final class ServiceBootstrap {

    private ServiceBootstrap() {
    }

    public static void beforeQuarkus() {
        SmallRyeConfig config = standaloneConfig();
        CertificatesConfig certificates = config.getConfigMapping(CertificatesConfig.class);
        ServingTlsConfig tls = config.getConfigMapping(ServingTlsConfig.class);
        Path certFile = Path.of(tls.certFile());
        Path keyFile = Path.of(tls.keyFile());
        if (!certificates.selfManaged()) {
            return;
        }
        // Built even when the files are mounted: a wrong setting (e.g. an ip-addresses entry that is no IP
        // literal) stops the start here, with its message, not at the leader's first pass.
        CertificateSettings settings = certificates.settings();
        if (CertificateBootstrap.mounted(certFile, keyFile)) {
            return;
        }
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            new CertificateBootstrap(client, settings, Clock.systemUTC())
                    .ensureMounted(certFile, keyFile, certificates.bootstrapWait());
        }
    }

    static SmallRyeConfig standaloneConfig() {
        return new SmallRyeConfigBuilder().addDefaultSources().addDefaultInterceptors()
                .withConverter(Duration.class, 200, new DurationConverter()).withMapping(CertificatesConfig.class)
                .withMapping(ServingTlsConfig.class).build();
    }
}
