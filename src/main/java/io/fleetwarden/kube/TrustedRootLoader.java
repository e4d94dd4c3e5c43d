package io.fleetwarden.kube;

import io.fleetwarden.kube.TrustedRootObjects.Found;
import io.fleetwarden.kube.TrustedRootObjects.Lookup;
import io.fleetwarden.kube.TrustedRootObjects.Missing;
import io.fleetwarden.policy.TrustedRootRef;
import io.fleetwarden.verify.cosign.TrustedRootException;
import io.fleetwarden.verify.cosign.TrustedRoots;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Brings the cluster-held roots in {@link TrustedRoots} in line with what the references resolve to now:
 * a new or changed document is loaded (validated by {@link TrustedRoots#add}); a missing or invalid one is
 * refused, which unloads any earlier version of it. Failing closed is deliberate: an operator who replaces
 * a root to drop a compromised CA must not have the old one kept because the new one has a typo. Roots no
 * policy refers to any more are unloaded. Only names it loaded itself are touched (never public-good or a
 * root from a file). Not thread-safe; {@link TrustedRootSources} calls it under its lock.
 */
final class TrustedRootLoader {

    private static final Logger LOG = Logger.getLogger(TrustedRootLoader.class);

    private final TrustedRoots roots;
    private final String namespace;
    /** Root name → what was applied: the document's SHA-256, or the reason it was refused. */
    private final Map<String, String> applied = new HashMap<>();

    TrustedRootLoader(TrustedRoots roots, String namespace) {
        this.roots = roots;
        this.namespace = namespace;
    }

    /** @return whether any root was loaded, replaced, refused or unloaded */
    boolean apply(Map<TrustedRootRef, Lookup> wanted) {
        boolean changed = false;
        for (Map.Entry<TrustedRootRef, Lookup> e : wanted.entrySet()) {
            String name = e.getKey().rootName();
            String state = e.getValue() instanceof Found f ? "sha256:" + sha256(f.json())
                    : "refused:" + ((Missing) e.getValue()).reason();
            if (state.equals(applied.get(name))) {
                continue;
            }
            changed = true;
            if (e.getValue() instanceof Found f) {
                load(e.getKey(), f.json(), state);
            } else {
                refuse(name, ((Missing) e.getValue()).reason());
            }
            applied.put(name, state);
        }
        for (String name : applied.keySet().stream().filter(n -> wanted.keySet().stream()
                .noneMatch(r -> r.rootName().equals(n))).toList()) {
            roots.remove(name);
            applied.remove(name);
            changed = true;
            LOG.infof("trusted root %s unloaded: no policy refers to it", name);
        }
        return changed;
    }

    private void load(TrustedRootRef ref, byte[] json, String state) {
        try {
            roots.add(ref.rootName(), json);
            LOG.infof("trusted root %s loaded from %s key %s (%s)", ref.rootName(), ref.object(namespace), ref.key(), state);
        } catch (TrustedRootException e) {
            refuse(ref.rootName(), ref.object(namespace) + " key " + ref.key() + " is not a valid trusted root: "
                    + detail(ref.rootName(), e.getMessage()));
        }
    }

    private void refuse(String name, String reason) {
        roots.refuse(name, reason);
        LOG.warnf("trusted root %s refused, authorities using it accept no signature: %s", name, reason);
    }

    /** The validator's message without its leading {@code trusted root "<name>"}, which the caller already says. */
    static String detail(String name, String message) {
        String prefix = "trusted root \"" + name + "\"";
        if (message == null || !message.startsWith(prefix)) {
            return String.valueOf(message);
        }
        String rest = message.substring(prefix.length());
        return rest.startsWith(":") ? rest.substring(1).strip() : "it" + rest;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
