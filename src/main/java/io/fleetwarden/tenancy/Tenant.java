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
 */
public record Tenant(String name, Set<String> namespaces, LabelSelector selector, List<String> sources,
        Set<String> targetNamespaces, String defaultServiceAccount) {

    public Tenant {
        namespaces = Set.copyOf(namespaces);
        sources = List.copyOf(sources);
        targetNamespaces = Set.copyOf(targetNamespaces);
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
