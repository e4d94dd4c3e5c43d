package io.fleetwarden.policy;

import io.fleetwarden.api.v1alpha1.AuthoritySpec;
import io.fleetwarden.api.v1alpha1.TrustedRootFromSpec;
import io.fleetwarden.api.v1alpha1.TrustedRootKeyRef;
import java.util.List;

/**
 * Compiles an authority's {@code trustedRoot} / {@code trustedRootFrom} to the name of the root its signatures
 * are checked against: {@code public-good} by default, a root loaded from a file by its name, or the derived
 * name of a ConfigMap or Secret key ({@link TrustedRootRef#rootName()}).
 */
final class TrustedRootCompiler {

    static final String DEFAULT = "public-good";

    private TrustedRootCompiler() {
    }

    /** Adds violations and returns null when the fields do not compile. */
    static String compile(String path, AuthoritySpec a, List<FieldViolation> v) {
        if (a.trustedRoot != null && a.trustedRootFrom != null) {
            v.add(new FieldViolation(path + ".trustedRootFrom", "set trustedRoot or trustedRootFrom, not both"));
            return null;
        }
        if (a.trustedRootFrom != null) {
            return from(path + ".trustedRootFrom", a.trustedRootFrom, v);
        }
        if (a.trustedRoot == null) {
            return DEFAULT;
        }
        if (a.trustedRoot.isBlank()) {
            v.add(new FieldViolation(path + ".trustedRoot", "must not be empty"));
            return null;
        }
        if (TrustedRootRef.isReservedName(a.trustedRoot)) {
            // Otherwise a name could point at a cluster object without saying so in the field that does.
            v.add(new FieldViolation(path + ".trustedRoot", "names starting with configmap: or secret: are "
                    + "reserved; use trustedRootFrom to name a ConfigMap or Secret, got \"" + a.trustedRoot + "\""));
            return null;
        }
        return a.trustedRoot;
    }

    private static String from(String path, TrustedRootFromSpec from, List<FieldViolation> v) {
        if ((from.configMapKeyRef == null) == (from.secretKeyRef == null)) {
            v.add(new FieldViolation(path, "exactly one of configMapKeyRef or secretKeyRef is required"));
            return null;
        }
        boolean configMap = from.configMapKeyRef != null;
        TrustedRootKeyRef ref = configMap ? from.configMapKeyRef : from.secretKeyRef;
        String refPath = path + (configMap ? ".configMapKeyRef" : ".secretKeyRef");
        String key = ref.key == null ? TrustedRootRef.DEFAULT_KEY : ref.key;
        int before = v.size();
        TrustedRootRef.nameProblem(ref.name).ifPresent(p -> v.add(new FieldViolation(refPath + ".name", p)));
        TrustedRootRef.keyProblem(key).ifPresent(p -> v.add(new FieldViolation(refPath + ".key", p)));
        if (v.size() > before) {
            return null;
        }
        return new TrustedRootRef(configMap ? TrustedRootRef.Kind.CONFIG_MAP : TrustedRootRef.Kind.SECRET, ref.name, key)
                .rootName();
    }
}
