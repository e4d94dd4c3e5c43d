package io.fleetwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.RegistryClientConfig;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.source.OciSource;
import io.fleetwarden.testing.MockApiServer;
import io.fleetwarden.testing.OciPublisher;
import io.fleetwarden.testing.RecordingProxy;
import io.fleetwarden.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An OCIRepository's {@code proxySecretRef}, read as source-controller reads it: every request of the source through
 * that proxy (loopback included, NO_PROXY not consulted), against a real registry and {@link RecordingProxy}; Secrets
 * in the fabric8 mock API server (reading a Secret by name is all that is asked of the API here).
 */
class ProxySecretAccessTest {

    private static final String NS = "frontend";

    private static TestRegistry registry;
    private static Digest pushed;

    private MockApiServer api;
    private KubernetesClient kube;
    private PullSecretAccess access;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = TestRegistry.start(null);
        try (OciPublisher publisher = new OciPublisher(registry)) {
            pushed = publisher.pushArtifact("private/app", "v1", Map.of("a.yaml", "a: 1".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
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
    void everyRequestOfTheSourceGoesThroughItsProxyWithItsLogin() throws Exception {
        try (RecordingProxy proxy = RecordingProxy.withLogin("robot", "pw").route("127.0.0.1")) {
            putSecret("corp-proxy", Map.of("address", "http://" + proxy.address(), "username", "robot", "password", "pw"));
            assertThat(access.forSource(source("corp-proxy"), deadline()).resolve(ref(), deadline()).digest())
                    .isEqualTo(pushed);
            assertThat(proxy.seen()).anySatisfy(s -> {
                assertThat(s.requestLine()).contains(" http://" + registry.host() + "/v2/");
                assertThat(s.login()).isEqualTo("robot:pw");
            });
        }
    }

    /** The proxy's login answers only the proxy: the registry's own challenge still gets the pull secret's login. */
    @Test
    void aRegistryLoginAndAProxyLoginEachGoWhereTheyBelong() throws Exception {
        try (TestRegistry private_ = TestRegistry.startWithLogin("puller", "registry-pw");
                RecordingProxy proxy = RecordingProxy.withLogin("robot", "proxy-pw").route("127.0.0.1")) {
            Digest digest;
            try (OciPublisher publisher = new OciPublisher(private_.host(), "puller", "registry-pw")) {
                digest = publisher.pushArtifact("private/app", "v1", Map.of("a.yaml", "a: 1".getBytes(StandardCharsets.UTF_8)));
            }
            putSecret("corp-proxy", Map.of("address", "http://" + proxy.address(), "username", "robot", "password",
                    "proxy-pw"));
            kube.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("creds").endMetadata()
                    .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", b64("{\"auths\":{\""
                            + private_.host() + "\":{\"auth\":\"" + b64("puller:registry-pw") + "\"}}}")).build()).create();
            var o = new ObjectMapper().readTree("""
                    {"metadata":{"name":"apps","namespace":"%s"},
                     "spec":{"url":"oci://%s/private/app","ref":{"tag":"v1"},"proxySecretRef":{"name":"corp-proxy"},
                             "secretRef":{"name":"creds"}}}
                    """.formatted(NS, private_.host()));
            OciSource source = ((OciSource.Valid) OciSource.from(o)).source();
            assertThat(access.forSource(source, deadline()).resolve(OciReference.parse(private_.host() + "/private/app:v1"),
                    deadline()).digest()).isEqualTo(digest);
            assertThat(proxy.seen()).isNotEmpty().allSatisfy(s -> assertThat(s.login()).isIn(null, "robot:proxy-pw"));
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aProxySecretFluxWouldRefuseIsRefusedWithItsName() throws Exception {
        putSecret("no-address", Map.of("username", "robot"));
        putSecret("empty", Map.of("address", ""));
        putSecret("socks", Map.of("address", "socks5://proxy.corp.test:1080", "password", "never-quoted"));
        assertRefused("no-address", "proxy secret frontend/no-address has no address key");
        assertRefused("empty", "proxy secret frontend/empty: proxy address is empty");
        assertRefused("socks", "proxy secret frontend/socks: proxy address: fleetwarden reaches registries through "
                + "http:// proxies only (CONNECT for https), got socks5://");
        assertRefused("missing", "proxy secret frontend/missing does not exist");
    }

    private void assertRefused(String secret, String message) {
        assertThatThrownBy(() -> access.forSource(source(secret), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    private void putSecret(String name, Map<String, String> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        kube.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .withType("Opaque").withData(data).build()).createOr(op -> op.update());
    }

    private static OciSource source(String proxySecret) throws Exception {
        var o = new ObjectMapper().readTree("""
                {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"OCIRepository",
                 "metadata":{"name":"apps","namespace":"%s"},
                 "spec":{"url":"oci://%s/private/app","ref":{"tag":"v1"},"proxySecretRef":{"name":"%s"}}}
                """.formatted(NS, registry.host(), proxySecret));
        return ((OciSource.Valid) OciSource.from(o)).source();
    }

    private static OciReference ref() {
        return OciReference.parse(registry.host() + "/private/app:v1");
    }

    private static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(20));
    }
}
