package io.fleetwarden.reconcile;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The Flux and Flux Operator kinds the engine reconciles or reads, at the API versions it reads and writes. */
public final class FluxKinds {

    public static final ResourceDefinitionContext OCI_REPOSITORY = new ResourceDefinitionContext.Builder()
            .withGroup("source.toolkit.fluxcd.io").withVersion("v1").withKind("OCIRepository")
            .withPlural("ocirepositories").withNamespaced(true).build();

    public static final ResourceDefinitionContext KUSTOMIZATION = new ResourceDefinitionContext.Builder()
            .withGroup("kustomize.toolkit.fluxcd.io").withVersion("v1").withKind("Kustomization")
            .withPlural("kustomizations").withNamespaced(true).build();

    public static final ResourceDefinitionContext RESOURCE_SET = new ResourceDefinitionContext.Builder()
            .withGroup("fluxcd.controlplane.io").withVersion("v1").withKind("ResourceSet")
            .withPlural("resourcesets").withNamespaced(true).build();

    public static final ResourceDefinitionContext RESOURCE_SET_INPUT_PROVIDER = new ResourceDefinitionContext.Builder()
            .withGroup("fluxcd.controlplane.io").withVersion("v1").withKind("ResourceSetInputProvider")
            .withPlural("resourcesetinputproviders").withNamespaced(true).build();

    public static final ResourceDefinitionContext FLUX_INSTANCE = new ResourceDefinitionContext.Builder()
            .withGroup("fluxcd.controlplane.io").withVersion("v1").withKind("FluxInstance")
            .withPlural("fluxinstances").withNamespaced(true).build();

    /** kustomize-controller's field manager: objects move between Flux and engine mode without a conflict. */
    public static final String FIELD_MANAGER = "kustomize-controller";

    public static final String OWNER_NAME_LABEL = "kustomize.toolkit.fluxcd.io/name";
    public static final String OWNER_NAMESPACE_LABEL = "kustomize.toolkit.fluxcd.io/namespace";
    public static final String REQUESTED_AT = "reconcile.fluxcd.io/requestedAt";
    public static final String FINALIZER = "finalizers.fluxcd.io";

    private FluxKinds() {
    }
}
