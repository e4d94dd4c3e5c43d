package io.fleetwarden.config;

import io.fleetwarden.admission.tls.ServingTlsConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(settings.ipAddresses()).isEmpty();
        assertThat(settings.validatingConfigurations()).containsExactly("fleetwarden");
        assertThat(settings.mutatingConfigurations()).containsExactly("fleetwarden-defaults");
        assertThat(settings.caLifetime()).isEqualTo(Duration.ofDays(365));
        assertThat(settings.servingLifetime()).isEqualTo(Duration.ofDays(90));
        assertThat(settings.overlap()).isEqualTo(Duration.ofHours(1));
        assertThat(certificates.checkPeriod()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void ipAddressesAreReadAsAListAndAHostNameStopsTheStartWithTheOptionsName() {
        try {
            System.setProperty("fleetwarden.certs.ip-addresses", "127.0.0.1,::1");
            assertThat(ServiceBootstrap.standaloneConfig().getConfigMapping(CertificatesConfig.class).settings().ipAddresses())
                    .containsExactly("127.0.0.1", "0:0:0:0:0:0:0:1");

            // Refused before any file or API server is looked at, mounted certificate or not.
            System.setProperty("fleetwarden.certs.ip-addresses", "127.0.0.1,webhook.example");
            assertThatThrownBy(ServiceBootstrap::beforeQuarkus).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("fleetwarden.certs.ip-addresses: \"webhook.example\" is not an IPv4 or IPv6 address literal");
        } finally {
            System.clearProperty("fleetwarden.certs.ip-addresses");
        }
    }
}
