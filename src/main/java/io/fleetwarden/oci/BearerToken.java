package io.fleetwarden.oci;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.oci.RegistryException.Kind;
import java.io.IOException;

/**
 * A registry bearer token and when to stop using it. The token spec's default lifetime is 60 s when the
 * answer has no {@code expires_in}; we stop 10 % early (at least 1 s) so a token does not expire in flight.
 * {@code toString()} hides the value.
 */
record BearerToken(String value, long expiresAtNanos) {

    private static final long DEFAULT_LIFETIME_SECONDS = 60;
    private static final long MAX_LIFETIME_SECONDS = 3600;

    boolean expired() {
        return System.nanoTime() - expiresAtNanos >= 0;
    }

    /** Parses {@code {"token":"...","expires_in":300}} (or {@code access_token}); never quotes the body. */
    static BearerToken parse(byte[] body, String what) throws RegistryException {
        JsonNode json;
        try {
            json = ManifestJson.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new RegistryException(Kind.INVALID_RESPONSE, what + ": token answer is not JSON");
        }
        JsonNode token = json == null ? null : json.get("token");
        if (token == null || !token.isTextual() || token.asText().isEmpty()) {
            token = json == null ? null : json.get("access_token");
        }
        if (token == null || !token.isTextual() || token.asText().isEmpty()) {
            throw new RegistryException(Kind.INVALID_RESPONSE, what + ": token answer has no token");
        }
        long lifetime = DEFAULT_LIFETIME_SECONDS;
        JsonNode expiresIn = json.get("expires_in");
        if (expiresIn != null && expiresIn.canConvertToLong() && expiresIn.asLong() > 0) {
            lifetime = Math.min(expiresIn.asLong(), MAX_LIFETIME_SECONDS);
        }
        long usable = Math.max(lifetime - Math.max(1, lifetime / 10), 0);
        return new BearerToken(token.asText(), System.nanoTime() + usable * 1_000_000_000L);
    }

    @Override
    public String toString() {
        return "BearerToken[***]";
    }
}
