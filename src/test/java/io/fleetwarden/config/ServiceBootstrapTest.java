package io.fleetwarden.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pre-Quarkus config resolves the same defaults as the running service (durations, names, namespace). */
class ServiceBootstrapTest {

    @Test
    void defaultsDescribeTheStandardInstallation() {
        var config = ServiceBootstrap.standaloneConfig();
        CertificatesConfig certificates = config.getConfigMapping(CertificatesConfig.class);
        ServingTlsConfig tls = config.getConfigMapping(ServingTlsConfig.class);

        assertThat(certificates.selfManaged()).isTrue();
        assertThat(tls.certFile()).isEqualTo("/etc/fleetwarden/tls/tls.crt");
        var settings = certificates.settings();
        assertThat(settings.namespace()).isEqualTo(System.getenv().getOrDefault("POD_NAMESPACE", "flux-system"));
        assertThat(settings.secretName()).isEqualTo("fleetwarden-webhook-tls");
        assertThat(settings.caSecretName()).isEqualTo("fleetwarden-webhook-ca");
        assertThat(settings.dnsNames()).containsExactly("fleetwarden." + settings.namespace() + ".svc",
                "fleetwarden." + settings.namespace() + ".svc.cluster.local");
        assertThat(settings.validatingConfigurations()).containsExactly("fleetwarden");
        assertThat(settings.mutatingConfigurations()).containsExactly("fleetwarden-defaults");
        assertThat(settings.caLifetime()).isEqualTo(Duration.ofDays(365));
        assertThat(settings.servingLifetime()).isEqualTo(Duration.ofDays(90));
        assertThat(settings.overlap()).isEqualTo(Duration.ofHours(1));
        assertThat(certificates.checkPeriod()).isEqualTo(Duration.ofMinutes(10));
    }
}
