package io.fleetwarden.tenancy;

import io.fleetwarden.policy.LabelSelector;
import io.fleetwarden.policy.SelectorCompiler;
import io.fleetwarden.api.v1alpha1.TenantSpec;
import io.fleetwarden.policy.FieldViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Compiles one {@code spec.tenants[i]} entry. */
final class TenantCompiler {

    private TenantCompiler() {
    }

    static Tenant compile(String path, int index, TenantSpec t, Set<String> platform, String defaultSa,
            Set<String> reserved, List<FieldViolation> v) {
        if (t == null) {
            v.add(new FieldViolation(path, "must be an object"));
            return null;
        }
        int before = v.size();
        String name = t.name == null || t.name.isBlank() ? "tenants[" + index + "]" : t.name;
        boolean byName = t.namespaces != null;
        if (byName == (t.namespaceSelector != null)) {
            v.add(new FieldViolation(path, "exactly one of namespaces or namespaceSelector is required"));
        }
        Set<String> namespaces = Set.of();
        if (byName) {
            namespaces = TenancyCompiler.namespaces(path + ".namespaces", t.namespaces, platform, v);
            if (t.namespaces.isEmpty()) {
                v.add(new FieldViolation(path + ".namespaces", "must not be empty"));
            }
        }
        LabelSelector selector = t.namespaceSelector == null ? null
                : SelectorCompiler.compile(path + ".namespaceSelector", t.namespaceSelector, v);
        List<String> sources = new ArrayList<>();
        if (t.sources == null || t.sources.isEmpty()) {
            v.add(new FieldViolation(path + ".sources", "at least one source URL pattern is required, such as "
                    + "oci://ghcr.io/acme/apps/*"));
        } else {
            for (int i = 0; i < t.sources.size(); i++) {
                String problem = SourceUrls.patternProblem(t.sources.get(i));
                if (problem != null) {
                    v.add(new FieldViolation(path + ".sources[" + i + "]", problem + ", got " + Names.quote(t.sources.get(i))));
                } else {
                    sources.add(t.sources.get(i));
                }
            }
        }
        // A tenant that may target a platform namespace could apply into flux-system: refused outright.
        Set<String> targets = t.targetNamespaces == null ? Set.of()
                : TenancyCompiler.namespaces(path + ".targetNamespaces", t.targetNamespaces, platform, v);
        String sa = t.defaultServiceAccount == null ? defaultSa
                : serviceAccount(path + ".defaultServiceAccount", t.defaultServiceAccount, reserved, v);
        List<String> refs = t.refs == null ? Tenant.DEFAULT_REFS : refs(path + ".refs", t.refs, v);
        return v.size() == before ? new Tenant(name, namespaces, selector, sources, targets, sa, refs) : null;
    }

    /** {@code HEAD} or a pattern under {@code refs/}; the same plain character set as a ref a tenant may name. */
    static List<String> refs(String path, List<String> patterns, List<FieldViolation> v) {
        List<String> out = new ArrayList<>();
        if (patterns.isEmpty()) {
            v.add(new FieldViolation(path, "must not be empty; omit it for the default " + Tenant.DEFAULT_REFS));
        }
        for (int i = 0; i < patterns.size(); i++) {
            String p = patterns.get(i);
            String problem = p == null ? "is required" : GitRefs.syntaxProblem(p.replace("*", "x"));
            if (problem == null && !p.equals("HEAD") && !p.startsWith("refs/")) {
                problem = "must be HEAD or a full ref pattern under refs/, such as refs/heads/main or refs/tags/*";
            }
            if (problem != null) {
                v.add(new FieldViolation(path + "[" + i + "]", problem + ", got " + Names.quote(p)));
            } else {
                out.add(p);
            }
        }
        return out;
    }

    static String serviceAccount(String path, String sa, Set<String> reserved, List<FieldViolation> v) {
        if (!Names.isDnsSubdomain(sa)) {
            v.add(new FieldViolation(path, "must be a service account name (lower-case RFC 1123), got " + Names.quote(sa)));
        } else if (reserved.contains(sa)) {
            v.add(new FieldViolation(path, "\"" + sa + "\" is reserved for the Flux controllers"));
        }
        return sa;
    }
}
