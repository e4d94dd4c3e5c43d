package io.fleetwarden.policy;

import io.fleetwarden.oci.OciReference;
import java.util.List;

/**
 * A policy ready to evaluate: patterns and authorities compiled once, immutable, shared by every request.
 *
 * @param sources URL patterns ({@link Glob}) over {@code oci://registry/repository}
 */
public record CompiledPolicy(String name, Mode mode, List<String> sources, List<Authority> authorities) {

    public enum Mode { ENFORCE, WARN }

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
