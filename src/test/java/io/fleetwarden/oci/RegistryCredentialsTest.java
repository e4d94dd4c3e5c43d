package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.oci.RegistryCredentials.Login;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RegistryCredentialsTest {

    private static final String SECRET = "Pa55:w0rd-xyz";

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ghcr.io                           | ghcr.io
            https://ghcr.io                   | ghcr.io
            https://GHCR.io/v2/               | ghcr.io
            localhost:5000                    | localhost:5000
            http://127.0.0.1:5001/v1/         | 127.0.0.1:5001
            https://index.docker.io/v1/       | docker.io
            index.docker.io                   | docker.io
            registry-1.docker.io              | docker.io
            docker.io                         | docker.io
            """)
    void findsTheLoginForHostKeysAsDockerWritesThem(String key, String registry) {
        RegistryCredentials credentials = RegistryCredentials.fromDockerConfigJson(json(
                "{\"auths\":{\"" + key + "\":{\"auth\":\"" + base64("robot:" + SECRET) + "\"}}}"));

        assertThat(credentials.forRegistry(registry)).contains(new Login("robot", SECRET));
        assertThat(credentials.registries()).containsExactly(registry);
    }

    @Test
    void readsUsernameAndPasswordFieldsAndKeepsHostsApart() {
        RegistryCredentials credentials = RegistryCredentials.fromDockerConfigJson(json("{\"auths\":{"
                + "\"ghcr.io\":{\"username\":\"a\",\"password\":\"" + SECRET + "\"},"
                + "\"quay.io\":{\"auth\":\"" + base64("b:" + SECRET) + "\",\"email\":\"b@example.com\"}}}"));

        assertThat(credentials.forRegistry("ghcr.io")).contains(new Login("a", SECRET));
        assertThat(credentials.forRegistry("quay.io")).contains(new Login("b", SECRET));
        assertThat(credentials.forRegistry("ghcr.io:443")).isEmpty();
        assertThat(credentials.forRegistry("docker.io")).isEmpty();
        assertThat(credentials.toString()).isEqualTo("RegistryCredentials[ghcr.io, quay.io]");
        assertThat(credentials.forRegistry("ghcr.io").orElseThrow().toString()).doesNotContain(SECRET);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"auths":{"ghcr.io":{"auth":"Pa55:w0rd-xyz"}}                       | not a valid JSON document
            {"auths":{"ghcr.io":{"auth":"%%Pa55:w0rd-xyz"}}}                     | "auth" of ghcr.io is not base64
            {"auths":{"ghcr.io":{"auth":"UGE1NXcwcmQteHl6"}}}                    | "auth" of ghcr.io does not decode to username:password
            {"auths":{"ghcr.io":{"password":"Pa55:w0rd-xyz"}}}                   | auths entry for ghcr.io has neither "auth" nor "username" and "password" (identity tokens are not supported)
            {"auths":{"ghcr.io":{"identitytoken":"Pa55:w0rd-xyz"}}}              | auths entry for ghcr.io has neither "auth" nor "username" and "password" (identity tokens are not supported)
            {"auths":{"ghcr.io":"Pa55:w0rd-xyz"}}                                | auths entry for ghcr.io is not an object
            {"ghcr.io":{"auth":"UGE1NXcwcmQteHl6"}}                              | no "auths" object
            {"auths":{"ghcr.io":{"username":"a","password":"Pa55:w0rd-xyz"},"ghcr.io":{}}} | not a valid JSON document
            {"auths":{"https://":{"username":"a","password":"Pa55:w0rd-xyz"}}}   | an "auths" key has no host
            []                                                                   | no "auths" object
            """)
    void rejectsMalformedDocumentsWithoutQuotingThem(String document, String reason) {
        assertThatThrownBy(() -> RegistryCredentials.fromDockerConfigJson(json(document)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid .dockerconfigjson: " + reason)
                .hasMessageNotContaining(SECRET)
                .hasNoCause();
    }

    @Test
    void readsTheLegacyDockercfgWithItsLoginsAtTheTop() {
        RegistryCredentials credentials = RegistryCredentials.fromDockerCfg(json("{\"https://quay.io\":{\"auth\":\""
                + base64("b:" + SECRET) + "\",\"email\":\"b@example.com\"}}"));

        assertThat(credentials.forRegistry("quay.io")).contains(new Login("b", SECRET));
        assertThatThrownBy(() -> RegistryCredentials.fromDockerCfg(json("[]"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid .dockercfg: not a JSON object");
        assertThatThrownBy(() -> RegistryCredentials.fromDockerCfg(json("{\"ghcr.io\":{\"password\":\"" + SECRET + "\"}}")))
                .hasMessage("invalid .dockercfg: the entry for ghcr.io has neither \"auth\" nor \"username\" and"
                        + " \"password\" (identity tokens are not supported)")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void rejectsEmptyAndOversizedDocuments() {
        assertThatThrownBy(() -> RegistryCredentials.fromDockerConfigJson(new byte[0]))
                .hasMessage("invalid .dockerconfigjson: empty");
        assertThatThrownBy(() -> RegistryCredentials.fromDockerConfigJson(new byte[RegistryCredentials.MAX_DOCUMENT_BYTES + 1]))
                .hasMessage("invalid .dockerconfigjson: 1048577 bytes, at most 1048576 are accepted");
    }

    @Test
    void mergesWithTheLaterLoginWinning() {
        RegistryCredentials first = RegistryCredentials.of(java.util.Map.of("ghcr.io", new Login("a", "1")));
        RegistryCredentials second = RegistryCredentials.of(java.util.Map.of("https://ghcr.io/", new Login("b", "2")));

        assertThat(first.with(second).forRegistry("ghcr.io")).contains(new Login("b", "2"));
        assertThat(RegistryCredentials.none().forRegistry("ghcr.io")).isEmpty();
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
