package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

    @Test
    void parsesBearerChallengesWithCommasInQuotedValues() {
        AuthChallenge challenge = AuthChallenge.parse("Bearer realm=\"https://auth.docker.io/token\","
                + "service=\"registry.docker.io\",scope=\"repository:library/nginx:pull,push\"").orElseThrow();

        assertThat(challenge.scheme()).isEqualTo("bearer");
        assertThat(challenge.params()).isEqualTo(Map.of("realm", "https://auth.docker.io/token",
                "service", "registry.docker.io", "scope", "repository:library/nginx:pull,push"));
    }

    @Test
    void parsesUnquotedValuesAndEscapes() {
        AuthChallenge challenge = AuthChallenge.parse("Bearer realm=https://r.example/t, error=\"insufficient_scope\","
                + " x=\"a\\\"b\"").orElseThrow();

        assertThat(challenge.params()).isEqualTo(Map.of("realm", "https://r.example/t", "error", "insufficient_scope", "x", "a\"b"));
    }

    @Test
    void prefersBearerOverBasic() {
        assertThat(AuthChallenge.preferred(List.of("Basic realm=\"r\"", "Bearer realm=\"https://t\"")).orElseThrow().scheme())
                .isEqualTo("bearer");
        assertThat(AuthChallenge.preferred(List.of("Basic realm=\"Registry Realm\"")).orElseThrow())
                .isEqualTo(new AuthChallenge("basic", Map.of("realm", "Registry Realm")));
        assertThat(AuthChallenge.preferred(List.of("Negotiate abc"))).isEmpty();
        assertThat(AuthChallenge.preferred(List.of())).isEmpty();
    }
}
