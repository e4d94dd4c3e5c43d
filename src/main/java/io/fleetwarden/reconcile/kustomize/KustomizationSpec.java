package io.fleetwarden.reconcile.kustomize;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.apply.DeletionPolicy;
import io.fleetwarden.reconcile.FluxDurations;
import io.fleetwarden.render.FluxOverlay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a Flux {@code Kustomization} (kustomize.toolkit.fluxcd.io/v1) the engine acts on, read once per
 * reconcile. Defaults as kustomize-controller's: {@code retryInterval} = {@code interval}, {@code timeout} =
 * {@code interval} (kustomize-controller's {@code GetTimeout}), {@code path} = the artifact's root.
 */
public record KustomizationSpec(String sourceKind, String sourceName, String sourceNamespace, String path,
        Duration interval, Duration retryInterval, Duration timeout, boolean prune, boolean suspend, boolean waitAll,
        boolean force, String serviceAccountName, List<Dependency> dependsOn, List<HealthCheck> healthChecks,
        List<JsonNode> healthCheckExprs, FluxOverlay overlay, Map<String, String> substitute,
        List<SubstituteFrom> substituteFrom, boolean substituteAlways, DeletionPolicy deletionPolicy,
        boolean remoteCluster, io.fleetwarden.apply.DriftIgnore driftIgnore, Decryption decryption,
        List<String> unsupported) {

    public KustomizationSpec {
        unsupported = List.copyOf(unsupported);
    }

    public record Dependency(String namespace, String name, String readyExpr) {
    }

    public record HealthCheck(String apiVersion, String kind, String namespace, String name) {
    }

    public record SubstituteFrom(String kind, String name, boolean optional) {
    }

    /**
     * {@code spec.decryption}: SOPS, with the age and PGP keys of the Secret {@code secretName} in the Kustomization's
     * namespace (null when none is named). Its {@code serviceAccountName} is for cloud KMS, which engine mode does not
     * reach, so it is not read.
     */
    public record Decryption(String secretName) {
    }

    /** @throws IllegalArgumentException naming the field */
    public static KustomizationSpec of(String namespace, JsonNode spec) {
        JsonNode ref = spec.path("sourceRef");
        String kind = text(ref, "kind");
        String name = text(ref, "name");
        if (kind == null || name == null) {
            throw new IllegalArgumentException("spec.sourceRef: kind and name are required");
        }
        String sourceNamespace = text(ref, "namespace") == null ? namespace : text(ref, "namespace");
        Duration interval = FluxDurations.parse(text(spec, "interval"), "spec.interval");
        Duration retry = spec.hasNonNull("retryInterval") ? FluxDurations.parse(text(spec, "retryInterval"),
                "spec.retryInterval") : interval;
        Duration timeout = spec.hasNonNull("timeout") ? FluxDurations.parse(text(spec, "timeout"), "spec.timeout")
                : interval;
        String path = text(spec, "path") == null ? "" : normalise(text(spec, "path"));
        List<Dependency> deps = new ArrayList<>();
        for (JsonNode d : spec.path("dependsOn")) {
            deps.add(new Dependency(text(d, "namespace") == null ? namespace : text(d, "namespace"), text(d, "name"),
                    text(d, "readyExpr")));
        }
        List<HealthCheck> checks = new ArrayList<>();
        for (JsonNode h : spec.path("healthChecks")) {
            checks.add(new HealthCheck(text(h, "apiVersion"), text(h, "kind"),
                    text(h, "namespace") == null ? namespace : text(h, "namespace"), text(h, "name")));
        }
        List<JsonNode> exprs = new ArrayList<>();
        spec.path("healthCheckExprs").forEach(exprs::add);
        JsonNode post = spec.path("postBuild");
        Map<String, String> substitute = new LinkedHashMap<>();
        post.path("substitute").fields().forEachRemaining(e -> substitute.put(e.getKey(), e.getValue().asText()));
        List<SubstituteFrom> from = new ArrayList<>();
        for (JsonNode f : post.path("substituteFrom")) {
            from.add(new SubstituteFrom(text(f, "kind"), text(f, "name"), f.path("optional").asBoolean(false)));
        }
        String strategy = text(post, "substituteStrategy");
        if (strategy != null && !strategy.equals("WithVariables") && !strategy.equals("Always")) {
            throw new IllegalArgumentException("spec.postBuild.substituteStrategy: must be WithVariables or Always, got '"
                    + strategy + "'");
        }
        return new KustomizationSpec(kind, name, sourceNamespace, path, interval, retry, timeout,
                spec.path("prune").asBoolean(false), spec.path("suspend").asBoolean(false),
                spec.path("wait").asBoolean(false), spec.path("force").asBoolean(false),
                text(spec, "serviceAccountName"), deps, checks, exprs, overlay(spec), substitute, from,
                "Always".equals(strategy), DeletionPolicy.fromSpec(text(spec, "deletionPolicy")),
                spec.hasNonNull("kubeConfig"), io.fleetwarden.apply.DriftIgnore.compile(spec.get("ignore")),
                decryption(spec.path("decryption")), unsupported(spec));
    }

    private static Decryption decryption(JsonNode d) {
        if (d.isMissingNode() || d.isNull()) {
            return null;
        }
        String provider = text(d, "provider");
        if (!"sops".equals(provider)) {
            throw new IllegalArgumentException("spec.decryption.provider: must be sops, got '" + provider + "'");
        }
        return new Decryption(text(d.path("secretRef"), "name"));
    }

    /**
     * The fields of kustomize-controller v1.9.4's Kustomization that engine mode does not implement, each a message
     * naming the field and saying what happens. Refused rather than ignored, because ignoring any of them applies
     * something else than Flux would: objects meant for another cluster applied to this
     * one, objects without the transformer annotations asked for ({@code buildMetadata: [originAnnotations]} is
     * supported).
     */
    private static List<String> unsupported(JsonNode spec) {
        List<String> out = new ArrayList<>();
        if (spec.hasNonNull("kubeConfig")) {
            out.add("spec.kubeConfig: applying to another cluster is not supported in engine mode (nothing is applied "
                    + "to this cluster in its place)");
        }
        for (JsonNode option : spec.path("buildMetadata")) {
            if (!"originAnnotations".equals(option.asText())) {
                out.add("spec.buildMetadata: '" + option.asText() + "' is not supported in engine mode (only "
                        + "originAnnotations)");
            }
        }
        return out;
    }

    private static FluxOverlay overlay(JsonNode spec) {
        List<JsonNode> patches = new ArrayList<>();
        spec.path("patches").forEach(patches::add);
        List<JsonNode> images = new ArrayList<>();
        spec.path("images").forEach(images::add);
        List<String> components = new ArrayList<>();
        spec.path("components").forEach(c -> components.add(c.asText()));
        Map<String, String> labels = new LinkedHashMap<>();
        spec.path("commonMetadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(),
                e.getValue().asText()));
        Map<String, String> annotations = new LinkedHashMap<>();
        spec.path("commonMetadata").path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(),
                e.getValue().asText()));
        List<String> buildMetadata = new ArrayList<>();
        spec.path("buildMetadata").forEach(b -> buildMetadata.add(b.asText()));
        return new FluxOverlay(text(spec, "targetNamespace"), text(spec, "namePrefix"), text(spec, "nameSuffix"),
                patches, images, components, spec.path("ignoreMissingComponents").asBoolean(false), labels,
                annotations, buildMetadata);
    }

    /** {@code ./apps/staging/} -> {@code apps/staging}: paths in the artifact tree are relative, no dots. */
    static String normalise(String path) {
        String p = path.replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.equals(".")) {
            return "";
        }
        for (String segment : p.split("/")) {
            if (segment.equals("..")) {
                throw new IllegalArgumentException("spec.path: \"" + path + "\" leaves the artifact");
            }
        }
        return p;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }
}
