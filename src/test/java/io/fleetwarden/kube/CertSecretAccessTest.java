package io.fleetwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryClientConfig;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.source.HelmChartSource;
import io.fleetwarden.source.OciSource;
import io.fleetwarden.testing.MockApiServer;
import io.fleetwarden.testing.OciPublisher;
import io.fleetwarden.testing.RegistryPki;
import io.fleetwarden.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A source's {@code certSecretRef}, read as source-controller reads it, against real registries behind a private CA
 * (one of them requiring a client certificate) and Secrets in the fabric8 mock API server (reading a Secret by name
 * is all that is asked of the API here; the on-cluster path with deploy/'s RBAC is in EngineModeIT).
 */
class CertSecretAccessTest {

    private static final String NS = "frontend";
    private static final RegistryPki REGISTRY_CA = RegistryPki.create("acme registry CA");
    private static final RegistryPki CLIENT_CA = RegistryPki.create("acme client CA");
    private static final RegistryPki OTHER_CA = RegistryPki.create("someone else's CA");
    private static final RegistryPki.Issued CLIENT = CLIENT_CA.client("fleetwarden", "EC");

    private static TestRegistry origin;
    private static TestRegistry privateCa;
    private static TestRegistry mutual;
    private static Digest pushed;

    private MockApiServer api;
    private KubernetesClient kube;
    private PullSecretAccess access;

    @BeforeAll
    static void startRegistries() throws Exception {
        origin = TestRegistry.start(null);
        try (OciPublisher publisher = new OciPublisher(origin)) {
            pushed = publisher.pushArtifact("private/app", "v1", Map.of("a.yaml", "a: 1".getBytes(StandardCharsets.UTF_8)));
        }
        RegistryPki.Issued serving = REGISTRY_CA.server(List.of("127.0.0.1"));
        var cert = RegistryPki.write(serving.certificatePem(), ".crt");
        var key = RegistryPki.write(serving.pkcs8KeyPem(), ".key");
        privateCa = TestRegistry.tlsMirrorOf(origin, cert, key, null);
        mutual = TestRegistry.tlsMirrorOf(origin, cert, key, RegistryPki.write(CLIENT_CA.certificatePem(), ".crt"));
    }

    @AfterAll
    static void stopRegistries() {
        for (TestRegistry r : new TestRegistry[] { mutual, privateCa, origin }) {
            if (r != null) {
                r.close();
            }
        }
    }

    @BeforeEach
    void startApi() {
        api = MockApiServer.start();
        kube = api.client();
        access = new PullSecretAccess(kube, RegistryClientConfig.defaults());
    }

    @AfterEach
    void stopApi() {
        access.close();
        kube.close();
        api.close();
    }

    @Test
    void theCaOfTheCertSecretReachesARegistryBehindAPrivateCa() throws Exception {
        putSecret("registry-ca", "Opaque", Map.of("ca.crt", REGISTRY_CA.certificatePem()));
        assertThat(resolve(privateCa, "{\"certSecretRef\":{\"name\":\"registry-ca\"}}")).isEqualTo(pushed);
    }

    @Test
    void withoutTheCertSecretTheSameRegistryIsNotReached() {
        assertThatThrownBy(() -> resolve(privateCa, "")).isInstanceOf(RegistryException.class);
    }

    @Test
    void aClientCertificateAndItsKeyOpenAMutualTlsRegistry() throws Exception {
        putSecret("client", "kubernetes.io/tls", Map.of("tls.crt", CLIENT.certificatePem(), "tls.key",
                CLIENT.traditionalKeyPem(), "ca.crt", REGISTRY_CA.certificatePem()));
        assertThat(resolve(mutual, "{\"certSecretRef\":{\"name\":\"client\"}}")).isEqualTo(pushed);

        putSecret("ca-only", "Opaque", Map.of("ca.crt", REGISTRY_CA.certificatePem()));
        assertThatThrownBy(() -> resolve(mutual, "{\"certSecretRef\":{\"name\":\"ca-only\"}}"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    }

    @Test
    void theLegacyKeysAreReadWhereTheStandardOnesAreAbsent() throws Exception {
        putSecret("legacy", "Opaque", Map.of("certFile", CLIENT.certificatePem(), "keyFile", CLIENT.pkcs8KeyPem(),
                "caFile", REGISTRY_CA.certificatePem()));
        assertThat(resolve(mutual, "{\"certSecretRef\":{\"name\":\"legacy\"}}")).isEqualTo(pushed);
        // The standard key wins where both are present.
        putSecret("both", "Opaque", Map.of("ca.crt", REGISTRY_CA.certificatePem(), "caFile", OTHER_CA.certificatePem()));
        assertThat(resolve(privateCa, "{\"certSecretRef\":{\"name\":\"both\"}}")).isEqualTo(pushed);
    }

    @Test
    void aCertSecretFluxWouldRefuseIsRefusedWithItsNameAndKeys() throws Exception {
        putSecret("cert-only", "Opaque", Map.of("tls.crt", CLIENT.certificatePem()));
        putSecret("key-only", "Opaque", Map.of("tls.key", CLIENT.pkcs8KeyPem()));
        putSecret("empty", "Opaque", Map.of("username", "robot"));
        putSecret("not-a-ca", "Opaque", Map.of("ca.crt", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
        RegistryPki.Issued other = CLIENT_CA.client("other", "EC");
        putSecret("mismatch", "kubernetes.io/tls", Map.of("tls.crt", CLIENT.certificatePem(), "tls.key",
                other.pkcs8KeyPem()));
        kube.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("bad-base64")
                .endMetadata().withType("Opaque").addToData("ca.crt", "not*base64").build()).create();

        assertRefused("cert-only", "cert secret frontend/cert-only has tls.crt but no tls.key");
        assertRefused("key-only", "cert secret frontend/key-only has tls.key but no tls.crt");
        assertRefused("empty", "cert secret frontend/empty must hold ca.crt, or both tls.crt and tls.key");
        assertRefused("not-a-ca", "ca.crt of cert secret frontend/not-a-ca holds no PEM certificate that can be parsed");
        assertRefused("mismatch", "tls.key of cert secret frontend/mismatch is not the private key of the first "
                + "certificate in tls.crt of cert secret frontend/mismatch");
        assertRefused("bad-base64", "cert secret frontend/bad-base64: ca.crt is not valid base64");
        assertRefused("missing", "cert secret frontend/missing does not exist");
    }

    @Test
    void aRotatedCertSecretIsUsedAtOnce() throws Exception {
        putSecret("rotating", "Opaque", Map.of("ca.crt", OTHER_CA.certificatePem()));
        String spec = "{\"certSecretRef\":{\"name\":\"rotating\"}}";
        assertThatThrownBy(() -> resolve(privateCa, spec)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.getMessage()).contains("TLS failed"));
        putSecret("rotating", "Opaque", Map.of("ca.crt", REGISTRY_CA.certificatePem()));
        assertThat(resolve(privateCa, spec)).isEqualTo(pushed);
    }

    @Test
    void aHelmRepositoryStillReadsTlsFromItsSecretRefUnlessItHasACertSecretRef() throws Exception {
        putSecret("helm-auth", "Opaque", Map.of("ca.crt", REGISTRY_CA.certificatePem()));
        assertThat(access.forSource(chart(privateCa, "\"secretRef\":{\"name\":\"helm-auth\"}"), deadline())
                .resolve(ref(privateCa), deadline()).digest()).isEqualTo(pushed);

        putSecret("helm-wrong", "Opaque", Map.of("ca.crt", OTHER_CA.certificatePem()));
        putSecret("helm-tls", "Opaque", Map.of("ca.crt", REGISTRY_CA.certificatePem()));
        assertThat(access.forSource(chart(privateCa, "\"secretRef\":{\"name\":\"helm-wrong\"},"
                + "\"certSecretRef\":{\"name\":\"helm-tls\"}"), deadline()).resolve(ref(privateCa), deadline()).digest())
                .isEqualTo(pushed);
        // An OCIRepository's secretRef is a pull secret only: TLS keys in it are not read.
        assertThatThrownBy(() -> access.forSource(source(privateCa, "{\"secretRef\":{\"name\":\"helm-auth\"}}"),
                deadline())).hasMessage("pull secret frontend/helm-auth has no .dockerconfigjson (or legacy .dockercfg) key");
    }

    private void assertRefused(String secret, String message) {
        assertThatThrownBy(() -> access.forSource(source(privateCa, "{\"certSecretRef\":{\"name\":\"" + secret + "\"}}"),
                deadline())).isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).isEqualTo(message).doesNotContain("MII").doesNotContain("BEGIN");
                });
    }

    private Digest resolve(TestRegistry registry, String extraSpec) throws Exception {
        RegistryClient client = access.forSource(source(registry, extraSpec), deadline());
        return client.resolve(ref(registry), deadline()).digest();
    }

    private void putSecret(String name, String type, Map<String, String> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        kube.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .withType(type).withData(data).build()).createOr(op -> op.update());
    }

    private static OciSource source(TestRegistry registry, String extraSpec) throws Exception {
        String extra = extraSpec.isEmpty() ? "" : "," + extraSpec.substring(1, extraSpec.length() - 1);
        var o = new ObjectMapper().readTree("""
                {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"OCIRepository",
                 "metadata":{"name":"apps","namespace":"%s"},
                 "spec":{"url":"oci://%s/private/app","ref":{"tag":"v1"}%s}}
                """.formatted(NS, registry.host(), extra));
        return ((OciSource.Valid) OciSource.from(o)).source();
    }

    /** A chart of an OCI HelmRepository at the registry's private/app; {@code secrets}: its secret fields. */
    private static OciSource chart(TestRegistry registry, String secrets) throws Exception {
        var request = (HelmChartSource.ChartRequest) HelmChartSource.fromHelmChart(new ObjectMapper().readTree("""
                {"metadata":{"name":"app","namespace":"%s"},
                 "spec":{"chart":"app","version":"v1","sourceRef":{"kind":"HelmRepository","name":"private"}}}
                """.formatted(NS)));
        var resolved = HelmChartSource.resolve(request, new ObjectMapper().readTree("""
                {"metadata":{"name":"private","namespace":"%s"},
                 "spec":{"type":"oci","url":"oci://%s/private",%s}}
                """.formatted(NS, registry.host(), secrets)));
        return ((HelmChartSource.Valid) resolved).source();
    }

    private static OciReference ref(TestRegistry registry) {
        return OciReference.parse(registry.host() + "/private/app:v1");
    }

    private static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(20));
    }
}
