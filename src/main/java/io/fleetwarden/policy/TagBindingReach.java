package io.fleetwarden.policy;

import dk.brics.automaton.Automaton;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether a policy can ever admit an artifact under a given tag, judged from the policy alone: for every keyless
 * authority, the refs its tag ↔ ref binding accepts for that tag must share at least one ref with the authority's
 * {@code github.refs}. A policy for a fleet released from {@code refs/tags/v*} keeps the default binding of
 * {@code latest-stable} ({@code refs/tags/<component>/*}) and so can never admit {@code latest-stable}: the offline
 * check cannot see it (it verifies no signature), the cluster denies every signature. This finds it offline.
 *
 * <p>Exact where it speaks: the patterns are {@link Glob}s ({@code *} any run), compared as regular languages, so
 * a warning is only given when no ref at all could pass both. An authority without refs, without a binding or with a
 * key can always be satisfied.
 */
public final class TagBindingReach {

    private TagBindingReach() {
    }

    /** Why no signature can ever admit {@code tag} of a repository whose last path segment is {@code component}. */
    public static Optional<String> unreachable(CompiledPolicy policy, String tag, String component) {
        if (tag == null || policy.authorities().isEmpty()) {
            return Optional.empty();
        }
        List<String> why = new ArrayList<>();
        for (Authority a : policy.authorities()) {
            if (!(a instanceof KeylessAuthority k) || k.tagRefBinding() == null || k.refs().isEmpty()) {
                return Optional.empty();
            }
            List<String> bound = k.tagRefBinding().refPatterns(tag, component);
            Automaton accepted = union(k.refs());
            if (!union(bound).intersection(accepted).isEmpty()) {
                return Optional.empty();
            }
            why.add("authority " + (k.name() == null ? "" : "\"" + k.name() + "\" ") + "accepts refs " + k.refs()
                    + ", the tag binding only " + bound);
        }
        return Optional.of("policy " + policy.name() + " can never admit tag \"" + tag + "\": " + String.join("; ", why)
                + ". Set tagRefBinding.floatingTags for it (floatingTags replaces the default bindings)");
    }

    private static Automaton union(List<String> globs) {
        Automaton all = Automaton.makeEmpty();
        for (String g : globs) {
            all = all.union(glob(g));
        }
        return all;
    }

    private static Automaton glob(String glob) {
        Automaton a = Automaton.makeEmptyString();
        int from = 0;
        for (int i = 0; i <= glob.length(); i++) {
            if (i == glob.length() || glob.charAt(i) == '*') {
                a = a.concatenate(Automaton.makeString(glob.substring(from, i)));
                if (i < glob.length()) {
                    a = a.concatenate(Automaton.makeAnyString());
                }
                from = i + 1;
            }
        }
        return a;
    }
}
