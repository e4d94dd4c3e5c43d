package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.render.FluxInstanceSync;
import io.fleetwarden.render.Limits;
import io.fleetwarden.render.resourceset.ResourceSetRenderer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What {@code check} judges: every object of the checked files, after Flux's postBuild substitution, followed by the
 * objects a ResourceSet or a FluxInstance among them would create, so that a fleet directory is judged completely
 * offline. A ResourceSet is rendered as Flux Operator renders it ({@link ResourceSetRenderer}, with the Static input
 * providers among the checked files); a FluxInstance gives its sync source and Kustomization ({@link FluxInstanceSync})
 * and its distribution artifact, which Flux Operator pulls. What cannot be known offline is a {@link Decided} "not
 * judged" line saying why, never silently left out; a build that fails is a denial (it would stall in the cluster).
 */
final class CheckExpansion {

    /** A ResourceSet rendering ResourceSets: how deep check follows. */
    static final int MAX_DEPTH = 4;
    static final String BUILD_FAILED = "BuildFailed";
    static final String INPUTS_UNKNOWN = "InputsUnknown";
    static final String SUBSTITUTION_FAILED = "SubstitutionFailed";
    /** What a line about the objects a ResourceSet would create, rather than one of them, is about. */
    static final String CREATED_OBJECTS = "the objects it creates";
    /** The service account Flux Operator runs as (its chart's), in the FluxInstance's namespace. */
    static final String OPERATOR_ACCOUNT = "flux-operator";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One thing to judge or already judged, in the order lines are printed. */
    sealed interface Item {
    }

    /** An API object: judged as the webhooks would judge it. */
    record Judge(ManifestReader.Manifest manifest) implements Item {
    }

    /** An artifact pulled outside source-controller (the manifest is the equivalent OCIRepository). */
    record PulledArtifact(ManifestReader.Manifest manifest, String what) implements Item {
    }

    /** A line decided while expanding: a build that fails, inputs that cannot be known. */
    record Decided(ManifestJudge.Line line) implements Item {
    }

    private final List<ManifestReader.Manifest> providers;
    private final String defaultNamespace;
    private final Function<JsonNode, String> applier;

    private CheckExpansion(List<ManifestReader.Manifest> providers, String defaultNamespace,
            Function<JsonNode, String> applier) {
        this.providers = providers;
        this.defaultNamespace = defaultNamespace;
        this.applier = applier;
    }

    /**
     * @param vars postBuild variables (none: nothing is substituted)
     * @param applier whom Flux Operator applies a ResourceSet's objects as (given the ResourceSet)
     */
    static List<Item> expand(List<ManifestReader.Manifest> checked, Map<String, String> vars, String defaultNamespace,
            Function<JsonNode, String> applier) {
        List<Item> staged = new ArrayList<>();
        for (ManifestReader.Manifest m : checked) {
            try {
                staged.add(new Judge(PostBuildOptions.substitute(m, vars)));
            } catch (io.fleetwarden.render.RenderException e) {
                staged.add(new Decided(line(ManifestJudge.Verdict.DENIED, m, SUBSTITUTION_FAILED, "postBuild "
                        + "substitution fails, so the Kustomization applying it would fail: " + e.getMessage())));
            }
        }
        List<ManifestReader.Manifest> providers = staged.stream().filter(i -> i instanceof Judge j
                && ResourceSetInputs.isProvider(j.manifest().object())).map(i -> ((Judge) i).manifest()).toList();
        CheckExpansion expansion = new CheckExpansion(providers, defaultNamespace, applier);
        List<Item> out = new ArrayList<>();
        for (Item i : staged) {
            out.add(i);
            if (i instanceof Judge j) {
                expansion.created(j.manifest(), 0, out);
            }
        }
        return out;
    }

    /** The objects {@code m} would create, each followed by what it creates in turn. */
    private void created(ManifestReader.Manifest m, int depth, List<Item> out) {
        JsonNode o = m.object();
        boolean resourceSet = ResourceSetRenderer.API_VERSION.equals(o.path("apiVersion").asText())
                && "ResourceSet".equals(o.path("kind").asText());
        boolean instance = FluxInstanceSync.isFluxInstance(o);
        if (!resourceSet && !instance || ManifestJudge.malformed(o).isPresent()) {
            return; // a malformed object has its own Invalid line
        }
        if (depth >= MAX_DEPTH) {
            out.add(new Decided(line(ManifestJudge.Verdict.NOT_JUDGED, m, INPUTS_UNKNOWN, "created by "
                    + MAX_DEPTH + " levels of ResourceSets: check does not render deeper")));
            return;
        }
        List<ManifestReader.Manifest> created = new ArrayList<>();
        if (resourceSet) {
            resourceSet(m, created, out);
        } else {
            fluxInstance(m, created, out);
        }
        for (ManifestReader.Manifest c : created) {
            out.add(new Judge(c));
            created(c, depth + 1, out);
        }
    }

    private void resourceSet(ManifestReader.Manifest m, List<ManifestReader.Manifest> created, List<Item> out) {
        JsonNode o = m.object();
        if ("disabled".equals(o.at("/metadata/annotations/fluxcd.controlplane.io~1reconcile").asText())) {
            return; // Flux Operator does not reconcile it: it creates nothing
        }
        String ns = o.at("/metadata/namespace").asText(defaultNamespace);
        ObjectNode withNamespace = o.deepCopy();
        ((ObjectNode) withNamespace.get("metadata")).put("namespace", ns);
        String origin = "ResourceSet " + ns + "/" + o.at("/metadata/name").asText();
        List<ResourceSetRenderer.Step> steps;
        try {
            ResourceSetInputs.Selected inputs = ResourceSetInputs.select(withNamespace, providers, defaultNamespace);
            if (inputs.unknown() != null) {
                out.add(new Decided(createdLine(ManifestJudge.Verdict.NOT_JUDGED, m, origin, INPUTS_UNKNOWN,
                        inputs.unknown())));
                return;
            }
            steps = ResourceSetRenderer.render(ResourceSetInputs.goValues(withNamespace), inputs.providers());
        } catch (ResourceSetRenderer.RenderException e) {
            out.add(new Decided(line(ManifestJudge.Verdict.DENIED, m, BUILD_FAILED, "build failed: "
                    + e.getMessage() + " (Flux Operator would stall it: none of its objects would be applied)")));
            return;
        }
        ManifestReader.Origin from = new ManifestReader.Origin(origin, applier.apply(withNamespace), List.of());
        for (ResourceSetRenderer.Step step : steps) {
            for (Map<String, Object> object : step.objects()) {
                created.add(new ManifestReader.Manifest(m.source(), JSON.valueToTree(object), from));
            }
        }
    }

    private void fluxInstance(ManifestReader.Manifest m, List<ManifestReader.Manifest> created, List<Item> out) {
        JsonNode o = m.object();
        // FluxInstanceSync's default namespace, as flux-operator build instance: the operator's own.
        String ns = o.at("/metadata/namespace").asText("flux-system");
        String origin = "FluxInstance " + ns + "/" + o.at("/metadata/name").asText();
        String operator = "system:serviceaccount:" + ns + ":" + OPERATOR_ACCOUNT;
        try {
            for (ObjectNode object : FluxInstanceSync.render(o, Limits.DEFAULT)) {
                String kind = object.path("kind").asText();
                List<String> notes = kind.equals("GitRepository") || kind.equals("Bucket")
                        ? List.of("the FluxInstance's sync source is a " + kind + ", not an OCI source: fleetwarden "
                                + "judges no signature of it")
                        : List.of();
                created.add(new ManifestReader.Manifest(m.source(), object, new ManifestReader.Origin(origin, operator,
                        notes)));
            }
        } catch (io.fleetwarden.render.RenderException e) {
            out.add(new Decided(line(ManifestJudge.Verdict.DENIED, m, BUILD_FAILED, e.getMessage()
                    + " (Flux Operator would fail to reconcile it)")));
        }
        JsonNode artifact = o.at("/spec/distribution/artifact");
        if (artifact.isTextual() && !artifact.asText().isEmpty()) {
            // Without one, Flux Operator installs the manifests embedded in its image: nothing is pulled.
            out.add(DistributionArtifact.item(m, origin, ns, o.at("/metadata/name").asText(), artifact.asText()));
        }
    }

    /** A line about {@code m} itself. */
    static ManifestJudge.Line line(ManifestJudge.Verdict verdict, ManifestReader.Manifest m, String reason,
            String message) {
        JsonNode o = m.object();
        String ns = o.at("/metadata/namespace").asText("");
        String what = o.path("kind").asText() + " " + (ns.isEmpty() ? "" : ns + "/") + o.at("/metadata/name").asText();
        return new ManifestJudge.Line(verdict, o.path("kind").asText(), m.origin() == null ? null : m.origin().what(),
                what, m.source(), reason, message, List.of());
    }

    /** A line about the objects {@code origin} (the ResourceSet {@code m}) creates. */
    private static ManifestJudge.Line createdLine(ManifestJudge.Verdict verdict, ManifestReader.Manifest m, String origin,
            String reason, String message) {
        return new ManifestJudge.Line(verdict, m.object().path("kind").asText(), origin, CREATED_OBJECTS,
                m.source(), reason, message, List.of());
    }
}
