package io.fleetwarden.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds the tag an artifact is pulled by to the git ref it was signed on, so a signature made on a
 * feature branch or a pull request cannot be replayed under a production tag.
 *
 * <p>Floating tags (exact, or {@link Glob} patterns such as {@code main-*}) map to a ref pattern ({@code *} any run, {@code {component}} the repository's last
 * path segment): by default {@code latest} only from {@code refs/heads/main} (what D2's push workflow
 * signs) and {@code latest-stable} only from {@code refs/tags/{component}/*} (D2's release workflow).
 * Any other tag {@code T} is a release and must come from {@code refs/tags/T} or
 * {@code refs/tags/{component}/T}: {@code v1.2.3} of {@code .../frontend} from
 * {@code refs/tags/frontend/v1.2.3}. An artifact referred to by digest only has no tag to bind; the
 * authority's allowed refs still apply to it.
 */
public record TagRefBinding(Map<String, String> floatingTags) {

    public static final TagRefBinding D2_DEFAULT = new TagRefBinding(defaults());

    public TagRefBinding {
        floatingTags = Map.copyOf(floatingTags);
    }

    private static Map<String, String> defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("latest", "refs/heads/main");
        m.put("latest-stable", "refs/tags/{component}/*");
        return m;
    }

    /** Why {@code ref} may not carry {@code tag}, or empty when it may. */
    public Optional<String> violation(String tag, String component, String ref) {
        if (tag == null) {
            return Optional.empty();
        }
        List<String> accepted = refPatterns(tag, component);
        if (accepted.stream().anyMatch(p -> Glob.matches(p, ref))) {
            return Optional.empty();
        }
        return Optional.of(describe(tag, ref, String.join(" or ", accepted.stream().map(p -> "\"" + p + "\"").toList())));
    }

    /**
     * The {@link Glob} patterns of the refs that may carry {@code tag} of a repository whose last path segment is
     * {@code component}: its floating tag's (exact first, else the first matching pattern), else a release's.
     */
    public List<String> refPatterns(String tag, String component) {
        String floating = floatingTags.get(tag);
        if (floating == null) {
            floating = floatingTags.entrySet().stream().filter(e -> Glob.matches(e.getKey(), tag))
                    .map(Map.Entry::getValue).sorted().findFirst().orElse(null);
        }
        if (floating != null) {
            return List.of(floating.replace("{component}", component));
        }
        return List.of("refs/tags/" + tag, "refs/tags/" + component + "/" + tag);
    }

    private static String describe(String tag, String ref, String wanted) {
        return "tag \"" + tag + "\" was signed on " + (ref == null ? "no git ref" : "\"" + ref + "\"")
                + "; that tag may only carry a signature made on " + wanted;
    }
}
