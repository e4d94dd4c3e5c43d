package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Once names have changed (prefix, suffix, content hash), the fields that refer to an object by name follow
 * (kustomize's FixBackReferences): a Deployment's {@code configMapRef}, a RoleBinding's {@code roleRef}, a
 * HelmRelease's {@code valuesFrom} when a {@code configurations} file says so. The referral is chosen among
 * objects that ever had the referenced name, as kustomize's nameref filter does, including its tie-breaks
 * on namespace and on the prefixes and suffixes both sides received.
 */
final class NameReferences {

    private NameReferences() {
    }

    static void fix(List<Resource> resources, TransformerConfig config) {
        for (TransformerConfig.NameReference ref : config.nameReferences()) {
            for (FieldSpec fs : ref.referrers()) {
                for (Resource referrer : resources) {
                    if (!fs.appliesTo(referrer.orgId())) {
                        continue;
                    }
                    List<Resource> candidates = couldBeReferencedBy(referrer, resources);
                    Fix fix = new Fix(referrer, ref, fs, candidates);
                    fs.apply(referrer.object(), false, fix::set);
                }
            }
        }
    }

    private record Fix(Resource referrer, TransformerConfig.NameReference ref, FieldSpec fs, List<Resource> candidates) {

        JsonNode set(JsonNode node) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (node instanceof ArrayNode seq) {
                for (int i = 0; i < seq.size(); i++) {
                    JsonNode e = seq.get(i);
                    if (e instanceof ObjectNode m) {
                        setMapping(m);
                    } else if (e.isValueNode()) {
                        JsonNode u = setScalar(e);
                        if (u != null) {
                            seq.set(i, u);
                        }
                    }
                }
                return null;
            }
            if (node instanceof ObjectNode m) {
                setMapping(m);
                return null;
            }
            return setScalar(node);
        }

        private JsonNode setScalar(JsonNode node) {
            String old = node.asText();
            Resource referral = select(old, candidates, false);
            if (referral == null || referral.name().equals(old)) {
                return null;
            }
            return TextNode.valueOf(referral.name());
        }

        private void setMapping(ObjectNode node) {
            JsonNode nameNode = node.get("name");
            if (nameNode == null) {
                throw new RenderException(referrer.origin(), fs.path(), "path config error; no 'name' field in node");
            }
            List<Resource> pool = candidates;
            JsonNode ns = node.get("namespace");
            if (ns != null) {
                String want = ns.asText();
                // kustomize groups candidates by effective namespace ("" is "default"), cluster-scoped ones in none.
                List<Resource> byOrg = pool.stream().filter(r -> !ClusterScope.isClusterScoped(r.kind())
                        && r.orgId().effectiveNamespace().equals(want)).toList();
                pool = !byOrg.isEmpty() ? byOrg : pool.stream().filter(r -> !ClusterScope.isClusterScoped(r.kind())
                        && r.curId().effectiveNamespace().equals(want)).toList();
            }
            String old = nameNode.asText();
            Resource referral = select(old, pool, true);
            if (referral == null || referral.name().equals(old) && referral.namespace().isEmpty()) {
                return;
            }
            node.put("name", referral.name());
            if (!referral.namespace().isEmpty()) {
                node.put("namespace", referral.namespace());
            }
        }

        private Resource select(String oldName, List<Resource> pool, boolean compareNamespaces) {
            List<Resource> c = sieve(pool, r -> r.allIds().stream().anyMatch(id -> id.name().equals(oldName)));
            c = sieve(c, r -> r.allIds().stream().anyMatch(id -> id.selectedBy(ref.group(), ref.version(), ref.kind())));
            if (fs.path().endsWith("roleRef/name")) {
                JsonNode roleRef = referrer.object().path("roleRef");
                String g = roleRef.path("apiGroup").asText(null);
                String k = roleRef.path("kind").asText(null);
                if (g != null && k != null) {
                    c = sieve(c, r -> r.allIds().stream().anyMatch(id -> id.selectedBy(g, "", k)));
                }
            }
            ResId referrerId = referrer.curId();
            if (!ClusterScope.isClusterScoped(referrerId.kind())) {
                c = sieve(c, r -> ClusterScope.isClusterScoped(r.kind()) || r.kind().equals("ServiceAccount")
                        || referrerId.nsEquals(r.curId()));
            }
            if (c.size() == 1) {
                return c.get(0);
            }
            c = sieve(c, r -> affixesEqual(r, referrer, true));
            if (c.size() > 1) {
                c = sieve(c, r -> affixesEqual(r, referrer, false));
            }
            if (c.size() == 1) {
                return c.get(0);
            }
            if (c.isEmpty()) {
                return null;
            }
            Resource first = c.get(0);
            boolean identical = c.stream().allMatch(r -> r.name().equals(first.name())
                    && (!compareNamespaces || r.namespace().equals(first.namespace())));
            if (identical) {
                return first;
            }
            throw new RenderException(referrer.origin(), fs.path(), "found multiple possible referrals for '" + oldName
                    + "' in " + referrerId + ": " + c.stream().map(r -> r.curId().toString()).toList());
        }
    }

    private static List<Resource> sieve(List<Resource> list, Predicate<Resource> p) {
        return list.stream().filter(p).toList();
    }

    private static boolean affixesEqual(Resource a, Resource b, boolean allowEmpty) {
        if (allowEmpty) {
            boolean prefixEmpty = a.prefixes().isEmpty() || b.prefixes().isEmpty();
            boolean suffixEmpty = a.suffixes().isEmpty() || b.suffixes().isEmpty();
            return (prefixEmpty || sameEnding(a.prefixes(), b.prefixes()))
                    && (suffixEmpty || sameEnding(a.suffixes(), b.suffixes()));
        }
        return sameEnding(a.prefixes(), b.prefixes()) && sameEnding(a.suffixes(), b.suffixes());
    }

    /** kustomize's SameEndingSubSlice: the shorter list equals the end of the longer one. */
    private static boolean sameEnding(List<String> a, List<String> b) {
        List<String> shorter = a.size() <= b.size() ? a : b;
        List<String> longer = a.size() <= b.size() ? b : a;
        return longer.subList(longer.size() - shorter.size(), longer.size()).equals(shorter);
    }

    /** kustomize's SubsetThatCouldBeReferencedByResource. */
    private static List<Resource> couldBeReferencedBy(Resource referrer, List<Resource> all) {
        ResId rid = referrer.curId();
        if (ClusterScope.isClusterScoped(rid.kind())) {
            return all;
        }
        Set<String> bindingNamespaces = new HashSet<>();
        if (rid.kind().equals("RoleBinding") || rid.kind().equals("ClusterRoleBinding")) {
            for (JsonNode s : referrer.object().path("subjects")) {
                if (s.path("kind").asText().equals("ServiceAccount") && s.hasNonNull("namespace")) {
                    bindingNamespaces.add(s.get("namespace").asText());
                }
            }
        }
        List<Resource> out = new ArrayList<>();
        for (Resource r : all) {
            ResId id = r.curId();
            if (ClusterScope.isClusterScoped(id.kind()) || id.nsEquals(rid) || bindingNamespaces.contains(r.namespace())) {
                out.add(r);
            }
        }
        return out;
    }
}
