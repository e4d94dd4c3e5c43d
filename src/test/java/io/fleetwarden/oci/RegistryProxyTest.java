package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.testing.OciPublisher;
import io.fleetwarden.testing.RecordingProxy;
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
 * Registry requests through an HTTP proxy, as a cluster behind a company's egress proxy makes them: real
 * Distribution registries (plain and TLS) on loopback, reached through {@link RecordingProxy} under a name only the
 * proxy resolves. A proxy that asks for a login on an https tunnel is tested through the packaged CLI
 * ({@code PackagedCliProxyIT}), since the JDK reads the setting that allows it once per process.
 */
class RegistryProxyTest {

    private static final String NAME = "registry.corp.test";
    private static final RegistryPki CA = RegistryPki.create("corp CA");

    private static TestRegistry origin;
    private static TestRegistry tls;
    private static Digest pushed;

    @BeforeAll
    static void start() throws Exception {
        origin = TestRegistry.start(null);
        try (OciPublisher publisher = new OciPublisher(origin)) {
            pushed = publisher.pushArtifact("private/app", "v1", Map.of("a.yaml", "a: 1".getBytes(StandardCharsets.UTF_8)));
        }
        RegistryPki.Issued serving = CA.serverNamed(NAME);
        tls = TestRegistry.tlsMirrorOf(origin, RegistryPki.write(serving.certificatePem(), ".crt"),
                RegistryPki.write(serving.pkcs8KeyPem(), ".key"), null);
    }

    @AfterAll
    static void stop() {
        for (TestRegistry r : new TestRegistry[] { tls, origin }) {
            if (r != null) {
                r.close();
            }
        }
    }

    @Test
    void httpsGoesThroughTheEnvironmentsProxyWithTlsEndToEnd() throws Exception {
        try (RecordingProxy proxy = RecordingProxy.open().route(NAME)) {
            RegistryClientConfig config = RegistryClientConfig.builder().tls(RegistryTls.of(List.of(CA.certificate()), null))
                    .proxy(RegistryProxy.fromEnvironment(Map.of("HTTPS_PROXY", proxy.address()))).build();
            assertThat(resolve(config, NAME + ":" + tls.port())).isEqualTo(pushed);
            assertThat(proxy.seen()).extracting(RecordingProxy.Seen::requestLine)
                    .contains("CONNECT " + NAME + ":" + tls.port() + " HTTP/1.1");
        }
    }

    @Test
    void plainHttpToAnInsecureHostGoesThroughHttpProxy() throws Exception {
        try (RecordingProxy proxy = RecordingProxy.open().route(NAME)) {
            RegistryClientConfig config = RegistryClientConfig.builder().insecureHost(NAME)
                    .proxy(RegistryProxy.fromEnvironment(Map.of("http_proxy", "http://" + proxy.address()))).build();
            assertThat(resolve(config, NAME + ":" + origin.port())).isEqualTo(pushed);
            assertThat(proxy.seen()).extracting(RecordingProxy.Seen::requestLine)
                    .anyMatch(l -> l.contains(" http://" + NAME + ":" + origin.port() + "/v2/private/app/manifests/v1 "));
        }
    }

    @Test
    void noProxyAndLoopbackKeepRequestsOffTheProxy() throws Exception {
        try (RecordingProxy proxy = RecordingProxy.open().route(NAME).route("127.0.0.1")) {
            RegistryProxy env = RegistryProxy.fromEnvironment(Map.of("HTTPS_PROXY", proxy.address(),
                    "HTTP_PROXY", proxy.address(), "NO_PROXY", "corp.test"));
            RegistryClientConfig config = RegistryClientConfig.builder().tls(RegistryTls.of(List.of(CA.certificate()), null))
                    .proxy(env).build();
            // Not through the proxy, so the name is looked up directly, where it does not exist.
            assertThatThrownBy(() -> resolve(config, NAME + ":" + tls.port())).isInstanceOf(RegistryException.class);
            // Loopback is never proxied from the environment.
            assertThat(resolve(RegistryClientConfig.builder().proxy(env).build(), origin.host())).isEqualTo(pushed);
            assertThat(proxy.seen()).isEmpty();
        }
    }

    @Test
    void aSourcesProxySecretTakesEveryRequestLoopbackIncluded() throws Exception {
        try (RecordingProxy proxy = RecordingProxy.open().route("127.0.0.1")) {
            RegistryClientConfig config = RegistryClientConfig.builder()
                    .proxy(RegistryProxy.forSource("http://" + proxy.address(), null, null, "proxy secret a/b")).build();
            assertThat(resolve(config, origin.host())).isEqualTo(pushed);
            assertThat(proxy.seen()).extracting(RecordingProxy.Seen::requestLine)
                    .anyMatch(l -> l.contains(" http://" + origin.host() + "/v2/"));
        }
    }

    @Test
    void aProxyThatWantsALoginNobodyGaveIsUnavailableAndSaysSo() throws Exception {
        try (RecordingProxy proxy = RecordingProxy.withLogin("robot", "secret").route(NAME)) {
            RegistryClientConfig config = RegistryClientConfig.builder().tls(RegistryTls.of(List.of(CA.certificate()), null))
                    .proxy(RegistryProxy.fromEnvironment(Map.of("HTTPS_PROXY", proxy.address()))).build();
            assertThatThrownBy(() -> resolve(config, NAME + ":" + tls.port()))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("407");
                    });
        }
    }

    @Test
    void theProxysLoginGoesOnlyWithRequestsThroughThatProxy() {
        RegistryProxy env = RegistryProxy.fromEnvironment(Map.of("HTTPS_PROXY", "http://robot:s%40cret@proxy.corp.test:3128",
                "NO_PROXY", "direct.corp.test"));
        assertThat(env.proxyFor(java.net.URI.create("https://" + NAME + "/v2/")).flatMap(RegistryProxy.Address::basicLogin))
                .contains("Basic " + java.util.Base64.getEncoder().encodeToString("robot:s@cret".getBytes(StandardCharsets.UTF_8)));
        // A registry reached directly (NO_PROXY, loopback, or plain http without HTTP_PROXY) never gets it.
        for (String direct : List.of("https://direct.corp.test/v2/", "https://127.0.0.1:5000/v2/", "http://" + NAME + "/v2/")) {
            assertThat(env.proxyFor(java.net.URI.create(direct))).as(direct).isEmpty();
        }
        assertThat(env.toString()).contains("robot").doesNotContain("s@cret").doesNotContain("s%40cret");
    }

    @Test
    void aProxyFleetwardenCannotFollowIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> RegistryProxy.fromEnvironment(Map.of("HTTPS_PROXY", "socks5://proxy.corp.test:1080")))
                .hasMessage("HTTPS_PROXY: fleetwarden reaches registries through http:// proxies only (CONNECT for https), "
                        + "got socks5://");
        assertThatThrownBy(() -> RegistryProxy.fromEnvironment(Map.of("https_proxy", "https://proxy.corp.test")))
                .hasMessageStartingWith("https_proxy: fleetwarden reaches registries through http:// proxies only");
        assertThatThrownBy(() -> RegistryProxy.forSource("proxy.corp.test:3128", null, null, "proxy secret a/b"))
                .hasMessageStartingWith("proxy secret a/b: proxy address: fleetwarden reaches registries through http://");
        assertThatThrownBy(() -> RegistryProxy.forSource("", null, null, "proxy secret a/b"))
                .hasMessage("proxy secret a/b: proxy address is empty");
        assertThat(RegistryProxy.fromEnvironment(Map.of("NO_PROXY", "*")).configured()).isFalse();
    }

    private static Digest resolve(RegistryClientConfig config, String host) throws RegistryException {
        try (HttpRegistryClient client = new HttpRegistryClient(config)) {
            return client.resolve(OciReference.parse("oci://" + host + "/private/app:v1"), Deadline.after(Duration.ofSeconds(10)))
                    .digest();
        }
    }
}
