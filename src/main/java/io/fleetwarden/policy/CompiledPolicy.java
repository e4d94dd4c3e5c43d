package io.fleetwarden.policy;

import io.fleetwarden.oci.OciReference;
import java.util.List;

/**
 * A policy ready to evaluate: patterns and authorities compiled once, immutable, shared by every request.
 *
 * @param sources URL patterns ({@link Glob}) over {@code oci://registry/repository}
 */
public record CompiledPolicy(String name, Mode mode, List<String> sources, List<Authority> authorities) {

    /**
     * ENFORCE denies what does not verify; WARN admits it with a warning; ALLOW covers sources explicitly
     * without requiring a signature (third-party chart repositories whose publishers do not sign).
     */
    public enum Mode { ENFORCE, WARN, ALLOW }

    public CompiledPolicy {
        sources = List.copyOf(sources);
        authorities = List.copyOf(authorities);
    }

    /** Whether this policy governs the artifact at {@code ref} (tag and digest do not matter). */
    public boolean covers(OciReference ref) {
        String url = "oci://" + ref.repositoryName();
        return sources.stream().anyMatch(p -> Glob.matches(p, url));
    }
}
