package io.fleetwarden.reconcile.resourceset;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetwarden.render.resourceset.ResourceSetRenderer;
import io.fleetwarden.render.resourceset.ResourceSetRenderer.RenderException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A ResourceSet in the cluster rendered as {@code build resourceset} renders it offline: the object and its input
 * providers go to {@link ResourceSetRenderer} as the CLI reads them, so the objects applied are the objects the CLI
 * prints (proven byte for byte against Flux Operator's CLI). Plus the one rule of the controller the CLI lacks:
 * a ResourceSet reading providers that give no inputs renders nothing, so its objects are garbage-collected.
 */
final class Rendering {

    /** The referenced providers could not be read (missing, wrong selector). */
    static final class InputsFailed extends Exception {
        InputsFailed(String message) {
            super(message);
        }
    }

    /** The steps and how many input sets made them (a history snapshot's metadata). */
    record Rendered(List<ResourceSetRenderer.Step> steps, int inputSets) {
    }

    private Rendering() {
    }

    static Rendered render(GenericKubernetesResource resourceSet,
            Function<String, List<GenericKubernetesResource>> providersInNamespace)
            throws RenderException, InputsFailed {
        Map<String, Object> rset = GoObjects.goValues(resourceSet);
        String namespace = resourceSet.getMetadata().getNamespace();
        List<Map<String, Object>> providers;
        try {
            providers = InputProviders.referenced(rset, namespace, providersInNamespace);
        } catch (RenderException e) {
            throw new InputsFailed(e.getMessage());
        }
        Map<String, Object> spec = ResourceSetRenderer.map(rset.get("spec"), "spec");
        boolean readsProviders = !ResourceSetRenderer.list(spec.get("inputsFrom"), "spec.inputsFrom").isEmpty();
        boolean inline = !ResourceSetRenderer.list(spec.get("inputs"), "spec.inputs").isEmpty();
        if (readsProviders && !inline && providers.isEmpty()) {
            // Flux Operator: "No inputs returned from providers, reconciling an empty set" (to trigger GC).
            ResourceSetRenderer.validate(spec);
            return new Rendered(List.of(new ResourceSetRenderer.Step("", List.of())), 0);
        }
        try {
            return new Rendered(ResourceSetRenderer.render(rset, providers),
                    ResourceSetRenderer.inputSets(rset, providers));
        } catch (RenderException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("unsupported provider type")) {
                throw new InputsFailed(e.getMessage() + " in engine mode");
            }
            throw e;
        }
    }

    /** {@code sha256:<hex>} of the spec's JSON: a build failure's history entry (Flux Operator's choice). */
    static String specDigest(GenericKubernetesResource resourceSet) {
        try {
            return sha256(new com.fasterxml.jackson.databind.ObjectMapper()
                    .writeValueAsString(resourceSet.getAdditionalProperties().get("spec")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code sha256:<hex>} of the objects as YAML ({@code ---} and sorted keys per object, as Flux Operator's
     * {@code ObjectsToYAML}), after copyFrom: {@code status.lastAppliedRevision}. The same inputs give the same
     * digest; it is not byte-identical to Flux Operator's, which normalises objects through Go types first.
     */
    static String digest(List<ResourceSetRenderer.Step> steps) {
        String yaml = ResourceSetRenderer.toYaml(steps.stream().map(s -> new ResourceSetRenderer.Step("", s.objects()))
                .toList());
        return sha256(yaml);
    }

    private static String sha256(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
