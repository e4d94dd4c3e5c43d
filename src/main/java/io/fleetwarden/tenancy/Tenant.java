package io.fleetwarden.tenancy;

import io.fleetwarden.policy.LabelSelector;
import io.fleetwarden.policy.SelectorCompiler;
import io.fleetwarden.policy.Glob;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One compiled {@code tenants[]} entry.
 *
 * @param namespaces exact namespace names (empty when selected by {@code selector})
 * @param selector label selector, or {@code null} when selected by name
 * @param sources allowed source URL patterns ({@link Glob}); a URL must also pass {@link SourceUrls#problem}
 * @param targetNamespaces namespaces allowed besides the object's own
 * @param refs Git ref patterns ({@link Glob}) a GitRepository may follow; {@code HEAD} is the default branch
 */
public record Tenant(String name, Set<String> namespaces, LabelSelector selector, List<String> sources,
        Set<String> targetNamespaces, String defaultServiceAccount, List<String> refs) {

    /**
     * Branches and tags, and the default branch: what the repository's own writers push. Never
     * {@code refs/pull/*} (GitHub) or {@code refs/merge-requests/*} (GitLab), which anyone who can open a pull
     * request from a fork writes to, so following one would apply a stranger's content on an allowed URL.
     */
    public static final List<String> DEFAULT_REFS = List.of("HEAD", "refs/heads/*", "refs/tags/*");

    public Tenant {
        namespaces = Set.copyOf(namespaces);
        sources = List.copyOf(sources);
        targetNamespaces = Set.copyOf(targetNamespaces);
        refs = List.copyOf(refs);
    }

    /** {@code ref} is a full ref name ({@code refs/heads/main}) or {@code HEAD}. */
    public boolean allowsRef(String ref) {
        return refs.stream().anyMatch(p -> Glob.matches(p, ref));
    }

    /** A semver range picks among all tags, so it needs a pattern that allows every tag. */
    public boolean allowsEveryTag() {
        return refs.stream().anyMatch(p -> p.endsWith("*") && p.indexOf('*') == p.length() - 1
                && "refs/tags/".startsWith(p.substring(0, p.length() - 1)));
    }

    public boolean allowsSource(String url) {
        return SourceUrls.problem(url) == null && sources.stream().anyMatch(p -> Glob.matches(p, url));
    }

    /** The namespaces an object living in {@code own} may put things into, sorted for messages. */
    public Set<String> allowedNamespaces(String own) {
        Set<String> out = new TreeSet<>(targetNamespaces);
        out.add(own);
        return out;
    }
}
