package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The objects a Flux Operator {@code FluxInstance}'s {@code spec.sync} makes: the source (OCIRepository,
 * GitRepository or Bucket) and the Kustomization of {@code sync.path}, both named {@code sync.name} or the
 * instance's namespace, exactly as Flux Operator generates them inside its distribution build: its sync template,
 * the multi-tenant profile's patch (every Kustomization runs as {@code kustomize-controller}) and the instance's own
 * {@code spec.kustomize.patches} (D2 adds the fleet's {@code verify} this way), then its labels and annotations,
 * {@code spec.commonMetadata} and the owner labels. The distribution itself (the controllers) is not rendered:
 * engine mode replaces it, and {@code check} judges the sync source, which is where the fleet comes from.
 *
 * <p>The one label left out is {@code app.kubernetes.io/version}: Flux Operator takes it from the distribution
 * version it resolves from the distribution artifact, which an offline render does not have.
 */
public final class FluxInstanceSync {

    static final String FILE = "spec.sync";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KINDS = Set.of("OCIRepository", "GitRepository", "Bucket");
    private static final int MAX_NAME = 63;

    /** Flux Operator's multi-tenant profile, as far as it reaches the sync objects. */
    private static final String MULTITENANT_PATCH = """
            target:
              kind: Kustomization
            patch: |-
              - op: add
                path: /spec/serviceAccountName
                value: kustomize-controller
            """;

    private FluxInstanceSync() {
    }

    /** Whether {@code object} is a FluxInstance (any version of Flux Operator's group). */
    public static boolean isFluxInstance(JsonNode object) {
        return "FluxInstance".equals(object.path("kind").asText())
                && object.path("apiVersion").asText().startsWith("fluxcd.controlplane.io/");
    }

    /**
     * The sync objects of {@code instance}, source first; empty when it has no {@code spec.sync}.
     *
     * @throws RenderException naming every field at fault, when the sync or a patch is invalid
     */
    public static List<ObjectNode> render(JsonNode instance, Limits limits) {
        JsonNode sync = instance.at("/spec/sync");
        if (sync.isMissingNode() || sync.isNull()) {
            return List.of();
        }
        String namespace = text(instance.at("/metadata/namespace"), "flux-system");
        Sync s = Sync.of(sync, namespace);
        ObjectNode kustomization = JSON.createObjectNode();
        kustomization.put("apiVersion", "kustomize.config.k8s.io/v1beta1");
        kustomization.put("kind", "Kustomization");
        kustomization.put("namespace", namespace);
        kustomization.putArray("resources").add("sync.yaml");
        ArrayNode patches = JSON.createArrayNode();
        if (instance.at("/spec/cluster/multitenant").asBoolean(false)) {
            patches.add(Yaml.object("multitenant profile", MULTITENANT_PATCH.getBytes(StandardCharsets.UTF_8)));
        }
        JsonNode own = instance.at("/spec/kustomize/patches");
        if (own.isArray()) {
            own.forEach(p -> patches.add(p.deepCopy()));
        } else if (!own.isMissingNode() && !own.isNull()) {
            throw new RenderException(null, "spec.kustomize.patches", "must be a list of patches");
        }
        if (!patches.isEmpty()) {
            kustomization.set("patches", patches);
        }
        SourceTree tree = SourceTree.of(Map.of(
                "kustomization.yaml", Yaml.write(kustomization).getBytes(StandardCharsets.UTF_8),
                "sync.yaml", Yaml.stream(List.of(s.source(), s.kustomization())).getBytes(StandardCharsets.UTF_8)));
        List<ObjectNode> built = KustomizeBuilder.build(tree, "", limits);
        List<ObjectNode> objects = new ArrayList<>();
        // Flux Operator's order: the source before the Kustomization that reads it.
        built.stream().filter(o -> !"Kustomization".equals(o.path("kind").asText())).forEach(objects::add);
        built.stream().filter(o -> "Kustomization".equals(o.path("kind").asText())).forEach(objects::add);
        for (ObjectNode o : objects) {
            label(o, instance, namespace);
        }
        return objects;
    }

    private static void label(ObjectNode object, JsonNode instance, String namespace) {
        ObjectNode metadata = (ObjectNode) object.get("metadata");
        ObjectNode labels = metadata.has("labels") ? (ObjectNode) metadata.get("labels") : metadata.putObject("labels");
        ObjectNode annotations = metadata.has("annotations") ? (ObjectNode) metadata.get("annotations")
                : metadata.putObject("annotations");
        // The distribution build's transformers: Flux Operator owns these objects, and neither the sync
        // Kustomization (which may apply the same files) nor its prune may take them over or delete them.
        labels.put("app.kubernetes.io/managed-by", "flux-operator");
        labels.put("app.kubernetes.io/instance", namespace);
        labels.put("app.kubernetes.io/part-of", "flux");
        annotations.put("kustomize.toolkit.fluxcd.io/ssa", "Ignore");
        annotations.put("kustomize.toolkit.fluxcd.io/prune", "Disabled");
        instance.at("/spec/commonMetadata/labels").fields().forEachRemaining(e -> labels.put(e.getKey(),
                e.getValue().asText()));
        instance.at("/spec/commonMetadata/annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(),
                e.getValue().asText()));
        labels.put("fluxcd.controlplane.io/name", instance.at("/metadata/name").asText());
        labels.put("fluxcd.controlplane.io/namespace", namespace);
    }

    private static String text(JsonNode node, String fallback) {
        return node.isTextual() && !node.asText().isEmpty() ? node.asText() : fallback;
    }

    /** {@code spec.sync}, checked: every problem is reported at once, each with its field path. */
    private record Sync(String name, String namespace, String kind, String url, String ref, String path,
            String interval, String pullSecret, String provider) {

        static Sync of(JsonNode sync, String namespace) {
            List<String> problems = new ArrayList<>();
            String kind = required(sync, "kind", problems);
            if (kind != null && !KINDS.contains(kind)) {
                problems.add("spec.sync.kind: \"" + kind + "\" is not one of OCIRepository, GitRepository, Bucket");
            }
            String url = required(sync, "url", problems);
            String ref = required(sync, "ref", problems);
            String path = required(sync, "path", problems);
            String name = text(sync.path("name"), namespace);
            if (name.length() > MAX_NAME) {
                problems.add("spec.sync.name: longer than " + MAX_NAME + " characters");
            }
            String interval = "1m0s";
            if (sync.hasNonNull("interval")) {
                try {
                    interval = GoDurationText.format(GoDurationText.nanos(sync.path("interval").asText()));
                } catch (IllegalArgumentException e) {
                    problems.add("spec.sync.interval: " + e.getMessage());
                }
            }
            if (!problems.isEmpty()) {
                throw new RenderException(null, null, String.join("; ", problems));
            }
            return new Sync(name, namespace, kind, url, ref, path, interval, text(sync.path("pullSecret"), null),
                    text(sync.path("provider"), null));
        }

        private static String required(JsonNode sync, String field, List<String> problems) {
            String value = text(sync.path(field), null);
            if (value == null) {
                problems.add("spec.sync." + field + ": is required");
            }
            return value;
        }

        /** Flux Operator's sync template, field for field (its order too). */
        ObjectNode source() {
            // source.toolkit.fluxcd.io/v1 as Flux Operator writes it for the Flux 2.6+ distributions engine mode speaks.
            ObjectNode o = header("source.toolkit.fluxcd.io/v1", kind);
            ObjectNode spec = o.putObject("spec");
            spec.put("interval", interval);
            switch (kind) {
                case "GitRepository" -> spec.putObject("ref").put("name", ref);
                case "OCIRepository" -> spec.putObject("ref").put("tag", ref);
                default -> spec.put("bucketName", ref);
            }
            if (pullSecret != null) {
                spec.putObject("secretRef").put("name", pullSecret);
            }
            if (provider != null) {
                spec.put("provider", provider);
            }
            spec.put(kind.equals("Bucket") ? "endpoint" : "url", url);
            return o;
        }

        ObjectNode kustomization() {
            ObjectNode o = header("kustomize.toolkit.fluxcd.io/v1", "Kustomization");
            ObjectNode spec = o.putObject("spec");
            spec.put("interval", "10m0s");
            spec.put("path", path);
            spec.put("prune", true);
            spec.putObject("sourceRef").put("kind", kind).put("name", name);
            return o;
        }

        private ObjectNode header(String apiVersion, String kind) {
            ObjectNode o = JSON.createObjectNode();
            o.put("apiVersion", apiVersion);
            o.put("kind", kind);
            o.putObject("metadata").put("name", name).put("namespace", namespace);
            return o;
        }
    }
}
