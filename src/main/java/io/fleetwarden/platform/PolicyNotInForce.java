package io.fleetwarden.platform;

import io.fleetwarden.oci.OciReference;
import io.fleetwarden.policy.Glob;
import java.util.List;

/**
 * A stored ArtifactPolicy that does not compile (applied while the webhook was away, or read more strictly after an
 * upgrade) and so is not in force. The sources it names stay refused until it is fixed: leaving them to the other
 * policies, or to {@code uncovered}, would drop its checks and make what it governs admitted with fewer checks than
 * its author wrote, the widening a fail-closed gate must never do. Its namespace selector is not read: in every
 * namespace is the stricter choice.
 *
 * @param sources the source patterns that could be read (a document whose sources cannot be read names none, and
 *                refuses nothing: it never said what it covers)
 * @param problem why it does not compile, as its status says
 */
public record PolicyNotInForce(String name, List<String> sources, String problem) {

    public PolicyNotInForce {
        sources = List.copyOf(sources);
    }

    /** Whether one of its source patterns matches {@code oci://registry/repository} of {@code ref}. */
    public boolean names(OciReference ref) {
        String url = "oci://" + ref.repositoryName();
        return sources.stream().anyMatch(p -> Glob.matches(p, url));
    }
}
