package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.testing.OciPublisher;
import io.fleetwarden.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Basic auth against a real Distribution registry with htpasswd auth (it sends Basic challenges). */
class HtpasswdRegistryAuthTest {

    private static final String USER = "robot";
    private static final String PASSWORD = "pw-" + Long.toHexString(new SecureRandom().nextLong());

    private static TestRegistry registry;
    private static Digest pushed;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.startWithLogin(USER, PASSWORD);
        try (OciPublisher publisher = new OciPublisher(registry.host(), USER, PASSWORD)) {
            pushed = publisher.pushArtifact("private/app", "v1", Map.of("a.yaml", "a: 1".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void anonymousAccessIsUnauthorized() {
        try (HttpRegistryClient client = HttpRegistryClient.withDefaults()) {
            assertThatThrownBy(() -> client.resolve(ref(), deadline()))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
                    .hasMessage("resolve " + ref() + ": the registry requires a login (Basic) and none is configured for "
                            + registry.host());
        }
    }

    @Test
    void credentialsFromAPullSecretWork() throws Exception {
        try (HttpRegistryClient client = clientWith(PASSWORD)) {
            assertThat(client.resolve(ref(), deadline()).digest()).isEqualTo(pushed);
            assertThat(client.manifest(ref(), pushed, deadline()).digest()).isEqualTo(pushed);
            assertThat(client.tags(ref(), deadline())).containsExactly("v1");
        }
    }

    @Test
    void aWrongPasswordIsUnauthorizedAndNotInTheMessage() {
        String wrong = PASSWORD + "-wrong";
        try (HttpRegistryClient client = clientWith(wrong)) {
            assertThatThrownBy(() -> client.resolve(ref(), deadline()))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
                    .hasMessage("resolve " + ref() + ": access denied (HTTP 401) with the login configured for "
                            + registry.host())
                    .hasMessageNotContaining(PASSWORD);
        }
    }

    /** A {@code .dockerconfigjson} as {@code kubectl create secret docker-registry} writes it, keyed by URL. */
    private static HttpRegistryClient clientWith(String password) {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
        String config = "{\"auths\":{\"http://" + registry.host() + "/v1/\":{\"username\":\"" + USER + "\",\"password\":\""
                + password + "\",\"auth\":\"" + auth + "\"}}}";
        return new HttpRegistryClient(RegistryClientConfig.builder()
                .credentials(RegistryCredentials.fromDockerConfigJson(config.getBytes(StandardCharsets.UTF_8))).build());
    }

    private static OciReference ref() {
        return OciReference.parse(registry.host() + "/private/app:v1");
    }

    private static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(20));
    }
}
