package io.fleetwarden.tenancy;

import io.fleetwarden.api.v1alpha1.ExemptionSpec;
import io.fleetwarden.policy.FieldViolation;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Compiles platform identities and exemptions: exact names only, never a wildcard or a catch-all group. */
final class IdentityCompiler {

    private IdentityCompiler() {
    }

    /**
     * Exact identities only. Groups that stand for "everyone" or "every service account (of a namespace)" are
     * refused: they are exactly the "anything from flux-system" trust the issue rules out.
     */
    static Set<String> identities(String path, List<String> names, boolean groups, List<FieldViolation> v) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            String problem = identityProblem(n);
            if (problem == null && groups && (n.equals("system:authenticated") || n.equals("system:unauthenticated")
                    || n.equals("system:serviceaccounts") || n.startsWith("system:serviceaccounts:"))) {
                problem = "is too broad; list the service accounts under usernames instead";
            }
            if (problem != null) {
                v.add(new FieldViolation(path + "[" + i + "]", problem));
            } else {
                out.add(n);
            }
        }
        return out;
    }

    private static String identityProblem(String n) {
        if (n == null || n.isEmpty()) {
            return "must not be empty";
        }
        if (n.chars().anyMatch(c -> c <= ' ' || c > '~' || c == '*')) {
            return "must be an exact name without whitespace or wildcards, got " + Names.quote(n);
        }
        return null;
    }

    static Exemption exemption(String path, ExemptionSpec e, List<FieldViolation> v) {
        if (e == null) {
            v.add(new FieldViolation(path, "must be an object"));
            return null;
        }
        int before = v.size();
        String problem = identityProblem(e.username);
        if (problem != null) {
            v.add(new FieldViolation(path + ".username", problem));
        }
        Set<Operation> ops = new LinkedHashSet<>();
        if (e.operations == null || e.operations.isEmpty()) {
            v.add(new FieldViolation(path + ".operations", "at least one of CREATE, UPDATE, DELETE is required"));
        } else {
            for (int i = 0; i < e.operations.size(); i++) {
                String op = e.operations.get(i);
                try {
                    ops.add(Operation.valueOf(op));
                } catch (IllegalArgumentException | NullPointerException x) {
                    v.add(new FieldViolation(path + ".operations[" + i + "]", "must be CREATE, UPDATE or DELETE, got "
                            + Names.quote(op)));
                }
            }
        }
        Set<String> kinds = new LinkedHashSet<>();
        if (e.kinds == null || e.kinds.isEmpty()) {
            v.add(new FieldViolation(path + ".kinds", "at least one kind is required"));
        } else {
            for (int i = 0; i < e.kinds.size(); i++) {
                String k = e.kinds.get(i);
                if (k == null || GovernedKind.byKind(k).isEmpty()) {
                    v.add(new FieldViolation(path + ".kinds[" + i + "]", "must be one of " + kindNames() + ", got "
                            + Names.quote(k)));
                } else {
                    kinds.add(k);
                }
            }
        }
        return v.size() == before ? new Exemption(e.username, ops, kinds) : null;
    }

    private static List<String> kindNames() {
        return java.util.Arrays.stream(GovernedKind.values()).map(GovernedKind::kind).toList();
    }
}
