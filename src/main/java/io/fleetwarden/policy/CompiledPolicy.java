package io.fleetwarden.policy;

import io.fleetwarden.oci.OciReference;
import java.util.List;
import java.util.Map;

/**
 * A policy ready to evaluate: patterns and authorities compiled once, immutable, shared by every request.
 *
 * @param sources           URL patterns ({@link Glob}) over {@code oci://registry/repository}
 * @param namespaceSelector only sources in matching namespaces; null for every namespace
 */
public record CompiledPolicy(String name, Mode mode, List<String> sources, LabelSelector namespaceSelector,
        List<Authority> authorities) {

    /**
     * ENFORCE denies what does not verify; WARN admits it with a warning; ALLOW covers sources explicitly
     * without requiring a signature (third-party chart repositories whose publishers do not sign).
     */
    public enum Mode { ENFORCE, WARN, ALLOW }

    public CompiledPolicy {
        sources = List.copyOf(sources);
        authorities = List.copyOf(authorities);
    }

    public CompiledPolicy(String name, Mode mode, List<String> sources, List<Authority> authorities) {
        this(name, mode, sources, null, authorities);
    }

    /** Whether this policy governs the artifact at {@code ref} in any namespace (tag and digest do not matter). */
    public boolean covers(OciReference ref) {
        return covers(ref, null);
    }

    /**
     * Whether this policy governs the artifact at {@code ref} referred to from a namespace with these labels.
     *
     * @param namespaceLabels null when unknown (the CLI's verify, a namespace not yet seen): a policy with a
     *                        selector then covers the source, so more checks apply, never fewer
     */
    public boolean covers(OciReference ref, Map<String, String> namespaceLabels) {
        return coversSource(ref) && selects(namespaceLabels);
    }

    /** Whether one of {@link #sources} matches {@code oci://registry/repository} of {@code ref}. */
    public boolean coversSource(OciReference ref) {
        String url = "oci://" + ref.repositoryName();
        return sources.stream().anyMatch(p -> Glob.matches(p, url));
    }

    /** Whether the namespace selector admits these labels (null labels, unknown: it does, see {@link #covers}). */
    public boolean selects(Map<String, String> namespaceLabels) {
        return namespaceSelector == null || namespaceLabels == null || namespaceSelector.matches(namespaceLabels);
    }
}
