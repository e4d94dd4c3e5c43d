package io.fleetwarden.tenancy;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds the tenancy rules judge, with the one API version each rule set is written for. The webhook is
 * registered for these versions with {@code matchPolicy: Equivalent}, so the API server converts other
 * served versions first; a request that still arrives in another version is denied, not guessed at.
 */
public enum GovernedKind {
    OCI_REPOSITORY("source.toolkit.fluxcd.io", "v1", "OCIRepository"),
    GIT_REPOSITORY("source.toolkit.fluxcd.io", "v1", "GitRepository"),
    HELM_REPOSITORY("source.toolkit.fluxcd.io", "v1", "HelmRepository"),
    BUCKET("source.toolkit.fluxcd.io", "v1", "Bucket"),
    HELM_CHART("source.toolkit.fluxcd.io", "v1", "HelmChart"),
    KUSTOMIZATION("kustomize.toolkit.fluxcd.io", "v1", "Kustomization"),
    HELM_RELEASE("helm.toolkit.fluxcd.io", "v2", "HelmRelease"),
    RESOURCE_SET("fluxcd.controlplane.io", "v1", "ResourceSet"),
    NAMESPACE("", "v1", "Namespace");

    private final Gvk gvk;

    GovernedKind(String group, String version, String kind) {
        this.gvk = new Gvk(group, version, kind);
    }

    public Gvk gvk() {
        return gvk;
    }

    public String kind() {
        return gvk.kind();
    }

    /** By group and kind, whatever the version. */
    public static Optional<GovernedKind> of(Gvk gvk) {
        return Arrays.stream(values())
                .filter(k -> k.gvk.group().equals(gvk.group()) && k.gvk.kind().equals(gvk.kind())).findFirst();
    }

    public static Optional<GovernedKind> byKind(String kind) {
        return Arrays.stream(values()).filter(k -> k.kind().equals(kind)).findFirst();
    }


    /** Appliers: they run as a service account, which a tenant's must set (or have defaulted). */
    boolean runsAsServiceAccount() {
        return this == KUSTOMIZATION || this == HELM_RELEASE || this == RESOURCE_SET;
    }
}
