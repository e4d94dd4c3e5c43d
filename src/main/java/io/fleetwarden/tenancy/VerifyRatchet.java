package io.fleetwarden.tenancy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * On UPDATE by a tenant, a source's verification may stay the same or get narrower, never looser.
 *
 * <p>"Looser" cannot be decided for a changed regular expression, so the rule is structural: every field of
 * {@code verify} other than {@code matchOIDCIdentity} ({@code provider}, {@code secretRef},
 * {@code trustedRootSecretRef}, Git's {@code mode}) must be unchanged, and {@code matchOIDCIdentity} may only
 * drop entries, never add or edit one (Flux ORs the entries) nor become empty. Platform identities may change
 * it (flux-operator re-renders it when an environment moves). Deleting and re-creating a source is not an
 * update: that a covered URL must be verified at all is the job of the signature policies (ArtifactPolicy).
 */
final class VerifyRatchet {

    private static final String IDENTITIES = "matchOIDCIdentity";

    private VerifyRatchet() {
    }

    static void check(JsonNode oldVerify, JsonNode newVerify, String field, ObjectChecks c) {
        if (Json.absent(oldVerify)) {
            return;
        }
        String who = "; only a platform identity may change it";
        if (Json.absent(newVerify)) {
            c.deny("verify.loosened", field, "may not be removed by a tenant, keep " + Json.show(oldVerify) + who);
            return;
        }
        Set<String> keys = new TreeSet<>();
        oldVerify.fieldNames().forEachRemaining(keys::add);
        newVerify.fieldNames().forEachRemaining(keys::add);
        keys.remove(IDENTITIES);
        for (String k : keys) {
            if (!oldVerify.path(k).equals(newVerify.path(k))) {
                c.deny("verify.loosened", field + "." + k, "may not be changed by a tenant, keep "
                        + Json.show(oldVerify.path(k)) + who);
            }
        }
        JsonNode before = oldVerify.path(IDENTITIES);
        JsonNode after = newVerify.path(IDENTITIES);
        boolean hadIdentities = before.isArray() && !before.isEmpty();
        if (hadIdentities && (!after.isArray() || after.isEmpty())) {
            c.deny("verify.loosened", field + "." + IDENTITIES, "may not be removed or emptied by a tenant; keep "
                    + "some of " + Json.show(before) + who);
            return;
        }
        if (!before.equals(after) && after.isArray()) {
            for (int i = 0; i < after.size(); i++) {
                if (!contains(before, after.get(i))) {
                    c.deny("verify.loosened", field + "." + IDENTITIES + "[" + i + "]", "a tenant may only keep "
                            + "identities it already had: " + Json.show(before) + who + ", got " + Json.show(after.get(i)));
                }
            }
        } else if (!before.equals(after)) {
            c.deny("verify.loosened", field + "." + IDENTITIES, "may not be changed by a tenant, keep "
                    + Json.show(before) + who);
        }
    }

    private static boolean contains(JsonNode array, JsonNode item) {
        if (!array.isArray()) {
            return false;
        }
        for (Iterator<JsonNode> it = array.elements(); it.hasNext();) {
            if (it.next().equals(item)) {
                return true;
            }
        }
        return false;
    }
}
