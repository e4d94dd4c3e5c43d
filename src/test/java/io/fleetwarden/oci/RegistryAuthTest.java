package io.fleetwarden.oci;

import static io.fleetwarden.testing.LoopbackHttpServer.respond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.testing.LoopbackHttpServer;
import io.fleetwarden.testing.LoopbackHttpServer.Received;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Bearer token flow (Docker Hub, GHCR style) and credential hygiene on redirects, against a scripted
 * loopback registry. Basic auth against a real registry is in {@link HtpasswdRegistryAuthTest}.
 */
class RegistryAuthTest {

    private static final String PASSWORD = "s3cret-Passw0rd";
    private static final String TOKEN = "tok-3f9a1c";
    private static final String MANIFEST = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
            + Digest.sha256Of("{}".getBytes(StandardCharsets.UTF_8)) + "\",\"size\":2},\"layers\":[]}";

    private final LoopbackHttpServer registry = LoopbackHttpServer.start();
    private final LoopbackHttpServer storage = LoopbackHttpServer.start();

    @AfterEach
    void stop() {
        registry.close();
        storage.close();
    }

    @Test
    void fetchesABearerTokenWithTheLoginAndCachesIt() throws Exception {
        serveTokenProtectedManifest();
        try (HttpRegistryClient client = clientWith(PASSWORD)) {
            assertThat(client.manifestByTag(ref(), "v1", deadline())).isPresent();
            assertThat(client.manifestByTag(ref(), "v1", deadline())).isPresent();
        }

        assertThat(registry.received()).extracting(Received::pathAndQuery).containsExactly(
                "/v2/app/manifests/v1", "/token?scope=repository%3Aapp%3Apull&service=fake-registry",
                "/v2/app/manifests/v1", "/v2/app/manifests/v1");
        assertThat(registry.received().get(1).authorization()).isEqualTo(basic("robot", PASSWORD));
        assertThat(registry.received().get(3).authorization()).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void aRefusedLoginIsUnauthorizedWithoutTheSecretInTheMessage() {
        serveTokenProtectedManifest();
        try (HttpRegistryClient client = clientWith("wrong-" + PASSWORD)) {
            assertThatThrownBy(() -> client.manifestByTag(ref(), "v1", deadline()))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
                    .hasMessage("GET manifest " + registry.host() + "/app:v1 (token from " + registry.host()
                            + "): access denied (HTTP 401)")
                    .hasMessageNotContaining(PASSWORD);
        }
    }

    @Test
    void neverSendsTheLoginToTheHostARedirectPointsAt() throws Exception {
        byte[] blob = "layer".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256Of(blob);
        registry.route("/v2/app/blobs/" + digest, ex -> {
            if (ex.getRequestHeaders().getFirst("Authorization") == null) {
                respond(ex, 401, Map.of("WWW-Authenticate", "Basic realm=\"fake\""), new byte[0]);
            } else {
                respond(ex, 307, Map.of("Location", "http://" + storage.host() + "/blob?sig=x"), new byte[0]);
            }
        });
        storage.route("/blob", ex -> respond(ex, 200, Map.of(), blob));

        try (HttpRegistryClient client = clientWith(PASSWORD)) {
            assertThat(client.blob(ref(), digest, 100, deadline())).isEqualTo(blob);
        }

        assertThat(registry.received().get(1).authorization()).isEqualTo(basic("robot", PASSWORD));
        assertThat(storage.received()).singleElement().satisfies(r -> {
            assertThat(r.pathAndQuery()).isEqualTo("/blob?sig=x");
            assertThat(r.authorization()).isNull();
        });
    }

    @Test
    void refusesARedirectToPlainHttpOutsideLoopback() {
        Digest digest = Digest.sha256Of(new byte[0]);
        registry.route("/v2/app/blobs/" + digest, ex -> respond(ex, 302,
                Map.of("Location", "http://storage.example.invalid/blob"), new byte[0]));

        try (HttpRegistryClient client = HttpRegistryClient.withDefaults()) {
            assertThatThrownBy(() -> client.blob(ref(), digest, 100, deadline()))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
                    .hasMessageContaining("refusing http://storage.example.invalid")
                    .hasMessageContaining("require https");
        }
    }

    /** The registry wants {@code Bearer TOKEN}; its token endpoint wants the robot's Basic login. */
    private void serveTokenProtectedManifest() {
        registry.route("/v2/app/manifests/v1", ex -> {
            if (("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                respond(ex, 200, Map.of("Content-Type", ManifestJson.OCI_MANIFEST), MANIFEST.getBytes(StandardCharsets.UTF_8));
            } else {
                respond(ex, 401, Map.of("WWW-Authenticate", "Bearer realm=\"http://" + registry.host()
                        + "/token\",service=\"fake-registry\",scope=\"repository:app:pull\""), new byte[0]);
            }
        });
        registry.route("/token", ex -> {
            if (basic("robot", PASSWORD).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                respond(ex, 200, Map.of(), ("{\"token\":\"" + TOKEN + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8));
            } else {
                respond(ex, 401, Map.of(), new byte[0]);
            }
        });
    }

    private HttpRegistryClient clientWith(String password) {
        String config = "{\"auths\":{\"" + registry.host() + "\":{\"username\":\"robot\",\"password\":\"" + password + "\"}}}";
        return new HttpRegistryClient(RegistryClientConfig.builder()
                .credentials(RegistryCredentials.fromDockerConfigJson(config.getBytes(StandardCharsets.UTF_8))).build());
    }

    private OciReference ref() {
        return OciReference.parse(registry.host() + "/app");
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(10));
    }
}
