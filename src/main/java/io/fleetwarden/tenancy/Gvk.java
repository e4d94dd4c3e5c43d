package io.fleetwarden.tenancy;

/** Group, version, kind of a Kubernetes object; the core group is {@code ""}. */
public record Gvk(String group, String version, String kind) {

    public static final Gvk NAMESPACE = new Gvk("", "v1", "Namespace");

    /** From an object's {@code apiVersion} ({@code v1} or {@code group/version}) and {@code kind}. */
    public static Gvk of(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? new Gvk("", apiVersion, kind)
                : new Gvk(apiVersion.substring(0, slash), apiVersion.substring(slash + 1), kind);
    }

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    @Override
    public String toString() {
        return apiVersion() + " " + kind;
    }
}
