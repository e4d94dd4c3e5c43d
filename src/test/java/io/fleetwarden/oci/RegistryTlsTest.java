package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.testing.OciPublisher;
import io.fleetwarden.testing.RegistryPki;
import io.fleetwarden.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A registry behind a private CA, with and without mutual TLS: real Distribution registries serving HTTPS on
 * loopback over the storage the test pushes to, so "trusted" and "refused" are what a real TLS handshake says.
 */
class RegistryTlsTest {

    private static final RegistryPki PRIVATE_CA = RegistryPki.create("acme registry CA");
    private static final RegistryPki CLIENT_CA = RegistryPki.create("acme client CA");
    private static final RegistryPki OTHER_CA = RegistryPki.create("someone else's CA");

    private static TestRegistry origin;
    private static TestRegistry tls;
    private static TestRegistry mutual;
    private static TestRegistry misnamed;
    private static Digest pushed;

    @BeforeAll
    static void start() throws Exception {
        origin = TestRegistry.start(null);
        try (OciPublisher publisher = new OciPublisher(origin)) {
            pushed = publisher.pushArtifact("private/app", "v1", Map.of("a.yaml", "a: 1".getBytes(StandardCharsets.UTF_8)));
        }
        RegistryPki.Issued serving = PRIVATE_CA.server(List.of("127.0.0.1"));
        var cert = RegistryPki.write(serving.certificatePem(), ".crt");
        var key = RegistryPki.write(serving.pkcs8KeyPem(), ".key");
        tls = TestRegistry.tlsMirrorOf(origin, cert, key, null);
        mutual = TestRegistry.tlsMirrorOf(origin, cert, key, RegistryPki.write(CLIENT_CA.certificatePem(), ".crt"));
        RegistryPki.Issued wrongName = PRIVATE_CA.serverNamed("registry.acme.example");
        misnamed = TestRegistry.tlsMirrorOf(origin, RegistryPki.write(wrongName.certificatePem(), ".crt"),
                RegistryPki.write(wrongName.pkcs8KeyPem(), ".key"), null);
    }

    @AfterAll
    static void stop() {
        for (TestRegistry r : new TestRegistry[] { misnamed, mutual, tls, origin }) {
            if (r != null) {
                r.close();
            }
        }
    }

    @Test
    void theSourcesCaBesideTheSystemRootsReachesTheRegistry() throws Exception {
        assertThat(resolve(tls, RegistryTls.of(List.of(PRIVATE_CA.certificate()), null)).digest()).isEqualTo(pushed);
    }

    @Test
    void aRegistryWhoseCaIsNotTrustedIsUnavailableWithTheHandshakesReason() {
        assertThatThrownBy(() -> resolve(tls, RegistryTls.of(List.of(OTHER_CA.certificate()), null)))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("TLS failed");
                });
    }

    @Test
    void aCertificateForAnotherNameIsRefusedEvenFromTheTrustedCa() {
        assertThatThrownBy(() -> resolve(misnamed, RegistryTls.of(List.of(PRIVATE_CA.certificate()), null)))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.getMessage())
                        .contains("TLS failed").containsIgnoringCase("127.0.0.1"));
    }

    @Test
    void aClientWithTlsMaterialSpeaksOnlyHttpsEvenToLoopback() {
        // The origin serves plain HTTP on loopback, which a client without material of its own may use.
        assertThatThrownBy(() -> resolve(origin, RegistryTls.of(List.of(PRIVATE_CA.certificate()), null)))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.getMessage())
                        .contains("TLS failed"));
    }

    @Test
    void mutualTlsLetsInTheClientCertificateOfItsCaOnly() throws Exception {
        List<java.security.cert.X509Certificate> roots = List.of(PRIVATE_CA.certificate());
        RegistryPki.Issued client = CLIENT_CA.client("fleetwarden", "EC");
        assertThat(resolve(mutual, RegistryTls.of(roots, new RegistryTls.ClientIdentity(client.key(),
                List.of(client.certificate())))).digest()).isEqualTo(pushed);

        assertThatThrownBy(() -> resolve(mutual, RegistryTls.of(roots, null)))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind())
                        .isEqualTo(RegistryException.Kind.UNAVAILABLE));
        RegistryPki.Issued stranger = OTHER_CA.client("fleetwarden", "RSA");
        assertThatThrownBy(() -> resolve(mutual, RegistryTls.of(roots, new RegistryTls.ClientIdentity(stranger.key(),
                List.of(stranger.certificate())))))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind())
                        .isEqualTo(RegistryException.Kind.UNAVAILABLE));
    }

    @Test
    void anRsaClientCertificateWorksToo() throws Exception {
        RegistryPki.Issued client = CLIENT_CA.client("fleetwarden-rsa", "RSA");
        assertThat(resolve(mutual, RegistryTls.of(List.of(PRIVATE_CA.certificate()),
                new RegistryTls.ClientIdentity(client.key(), List.of(client.certificate())))).digest()).isEqualTo(pushed);
    }

    @Test
    void aCertSecretsCaIsAddedToTheSystemRootsWhileCosignsFlagReplacesThem() throws Exception {
        List<java.security.cert.X509Certificate> system = List.of(issuers(javax.net.ssl.TrustManagerFactory
                .getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm())));
        assertThat(system).as("the JDK's roots").isNotEmpty();
        List<java.security.cert.X509Certificate> ca = List.of(PRIVATE_CA.certificate());

        assertThat(List.of(issuers(RegistryTls.of(ca, null).trustManagers())))
                .containsAll(system).contains(PRIVATE_CA.certificate()).hasSize(system.size() + 1);
        assertThat(List.of(issuers(RegistryTls.only(ca, null).trustManagers()))).containsExactly(PRIVATE_CA.certificate());
        RegistryPki.Issued client = CLIENT_CA.client("c", "EC");
        assertThat(RegistryTls.only(List.of(), new RegistryTls.ClientIdentity(client.key(), List.of(client.certificate())))
                .trustManagers()).as("no CA given: the JDK's default trust").isNull();
        assertThat(RegistryTls.only(List.of(), null)).isSameAs(RegistryTls.system());
    }

    private static java.security.cert.X509Certificate[] issuers(javax.net.ssl.TrustManagerFactory factory)
            throws Exception {
        factory.init((java.security.KeyStore) null);
        return issuers(factory.getTrustManagers());
    }

    private static java.security.cert.X509Certificate[] issuers(javax.net.ssl.TrustManager[] managers) {
        return ((javax.net.ssl.X509TrustManager) managers[0]).getAcceptedIssuers();
    }

    private static Descriptor resolve(TestRegistry registry, RegistryTls material) throws RegistryException {
        try (HttpRegistryClient client = new HttpRegistryClient(RegistryClientConfig.builder().tls(material).build())) {
            return client.resolve(OciReference.parse("oci://" + registry.host() + "/private/app:v1"),
                    Deadline.after(Duration.ofSeconds(10)));
        }
    }
}
