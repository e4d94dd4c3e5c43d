package io.fleetwarden.platform;

/**
 * What happens to an OCI source that no {@code ArtifactPolicy} covers. DENY by default: a new source is
 * unverified until the platform team says who must sign it or covers it with an {@code Allow} policy.
 */
public enum Uncovered {
    DENY,
    WARN,
    ALLOW;

    public static Uncovered parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("uncovered sources: expected deny, warn or allow, got \"" + s + "\"");
        }
    }
}
