package io.fleetwarden.render;

/**
 * A resource's identity as kustomize sees it: group, version, kind, name, namespace. Namespace "" and
 * "default" are the same namespace for matching, as in kustomize's {@code IsNsEquals}.
 */
record ResId(String group, String version, String kind, String name, String namespace) {

    static ResId of(String apiVersion, String kind, String name, String namespace) {
        String group = "";
        String version = apiVersion == null ? "" : apiVersion;
        int slash = version.indexOf('/');
        if (slash >= 0) {
            group = version.substring(0, slash);
            version = version.substring(slash + 1);
        }
        return new ResId(group, version, kind == null ? "" : kind, name == null ? "" : name,
                namespace == null ? "" : namespace);
    }

    String effectiveNamespace() {
        return namespace.isEmpty() ? "default" : namespace;
    }

    boolean sameGvk(ResId o) {
        return group.equals(o.group) && version.equals(o.version) && kind.equals(o.kind);
    }

    /** kustomize's ResId.Equals: same GVK and name, namespaces equal once "" means "default". */
    boolean matches(ResId o) {
        return sameGvk(o) && name.equals(o.name) && nsEquals(o);
    }

    boolean nsEquals(ResId o) {
        if (ClusterScope.isClusterScoped(kind) || ClusterScope.isClusterScoped(o.kind)) {
            return true;
        }
        return effectiveNamespace().equals(o.effectiveNamespace());
    }

    /** Selected by a GVK pattern whose empty parts match anything (kustomize's Gvk.IsSelected). */
    boolean selectedBy(String g, String v, String k) {
        return (g == null || g.isEmpty() || g.equals(group)) && (v == null || v.isEmpty() || v.equals(version))
                && (k == null || k.isEmpty() || k.equals(kind));
    }

    @Override
    public String toString() {
        String gvk = (group.isEmpty() ? "" : group + "/") + version + ", Kind=" + kind;
        return gvk + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
    }
}
