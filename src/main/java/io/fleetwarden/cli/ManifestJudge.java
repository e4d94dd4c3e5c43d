package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.gate.GateDecision;
import io.fleetwarden.source.OciSource;
import io.fleetwarden.gate.HelmChartGate;
import io.fleetwarden.gate.HelmRepositories;
import io.fleetwarden.gate.OciSourceGate;
import io.fleetwarden.gate.RegistryWait;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.policy.FieldViolation;
import io.fleetwarden.policy.PolicyDocuments;
import io.fleetwarden.tenancy.GovernedKind;
import io.fleetwarden.tenancy.Gvk;
import io.fleetwarden.tenancy.JsonPatchOp;
import io.fleetwarden.tenancy.Operation;
import io.fleetwarden.tenancy.TenancyAdmission;
import io.fleetwarden.tenancy.TenancyDecision;
import io.fleetwarden.tenancy.TenancyRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Judges one manifest as the webhooks would: mutate (defaults), then validate (tenancy, signatures, policies). What
 * cannot be judged offline (a namespace whose labels are not known, an OCI source holding a postBuild variable that
 * was not substituted) is {@link Verdict#NOT_JUDGED}, saying which option would let it be judged.
 */
final class ManifestJudge {

    enum Verdict {
        ALLOWED, WARNED, DENIED, UNAVAILABLE, NOT_JUDGED;

        /** As a line starts. */
        String label() {
            return this == NOT_JUDGED ? "NOT JUDGED" : name();
        }
    }

    /**
     * One verdict line.
     *
     * @param kind the object's kind, for the summary
     * @param origin what creates the object ({@code ResourceSet flux-system/apps}), null for a checked file's
     * @param what the object ({@code OCIRepository frontend/apps})
     * @param source the file and document the object, or what creates it, comes from
     */
    record Line(Verdict verdict, String kind, String origin, String what, String source, String reason, String message,
            List<String> warnings) {
        Line {
            warnings = List.copyOf(warnings);
        }

        void print(PrintWriter out) {
            out.println(text());
            warnings.forEach(w -> out.println("  warning: " + w));
        }

        /** The line as check prints it, without its warnings. */
        String text() {
            return verdict.label() + " " + (origin == null ? "" : origin + " \u2192 ") + what + " (" + source + "): "
                    + reason + (message.isEmpty() ? "" : ": " + message);
        }
    }

    /** Reasons of lines check adds to the webhooks': a postBuild variable left in a source, a namespace not known. */
    static final String UNRESOLVED = "UnresolvedVariable";
    static final String NAMESPACE_UNKNOWN = "NamespaceUnknown";
    /** The kind a pulled artifact is counted under. */
    static final String PULLED_ARTIFACT = "(distribution artifact)";
    /** Flux Operator's own identity (its chart's service account in flux-system). */
    static final String FLUX_OPERATOR = "system:serviceaccount:flux-system:" + CheckExpansion.OPERATOR_ACCOUNT;

    private final OciSourceGate gate;
    private final HelmChartGate charts;
    private final PolicySnapshot snapshot;
    private final ClusterState cluster;
    private final String as;
    private final String defaultNamespace;
    private final boolean offline;
    private final Duration timeout;

    ManifestJudge(OciSourceGate gate, PolicySnapshot snapshot, ClusterState cluster, String as,
            String defaultNamespace, boolean offline, Duration timeout) {
        this(gate, new HelmChartGate(gate, HelmRepositories.none()), snapshot, cluster, as, defaultNamespace, offline,
                timeout);
    }

    /** @param charts judges HelmCharts and HelmReleases with the HelmRepositories check knows */
    ManifestJudge(OciSourceGate gate, HelmChartGate charts, PolicySnapshot snapshot, ClusterState cluster, String as,
            String defaultNamespace, boolean offline, Duration timeout) {
        this.gate = gate;
        this.charts = charts;
        this.snapshot = snapshot;
        this.cluster = cluster;
        this.as = as;
        this.defaultNamespace = defaultNamespace;
        this.offline = offline;
        this.timeout = timeout;
    }

    /**
     * Served versions of governed kinds that the API server hands the webhook as the version it is registered
     * for (matchPolicy: Equivalent). The Flux CRDs declare no conversion webhook (strategy None), so the object
     * arrives unchanged but for its apiVersion: judging it in the registered version is what the webhook does.
     * A version not listed here is refused, never skipped: it would be judged by rules not written for it.
     */
    static final Map<String, Set<String>> EQUIVALENT_VERSIONS = Map.of(
            "source.toolkit.fluxcd.io/OCIRepository", Set.of("v1beta2"),
            "source.toolkit.fluxcd.io/GitRepository", Set.of("v1beta2"),
            "source.toolkit.fluxcd.io/HelmRepository", Set.of("v1beta2"),
            "source.toolkit.fluxcd.io/HelmChart", Set.of("v1beta2"),
            "kustomize.toolkit.fluxcd.io/Kustomization", Set.of("v1beta2"),
            "helm.toolkit.fluxcd.io/HelmRelease", Set.of("v2beta1", "v2beta2"));

    /** The verdict line, or null for objects no webhook judges. Never throws: a malformed object gets a line. */
    Line judge(ManifestReader.Manifest m) {
        JsonNode o = m.object();
        String kind = o.path("kind").asText();
        String apiVersion = o.path("apiVersion").asText();
        Gvk asWritten = Gvk.of(apiVersion, kind);
        Optional<GovernedKind> governedKind = GovernedKind.of(asWritten);
        if (governedKind.isEmpty() && !apiVersion.startsWith("fleetwarden.io/")) {
            // Not sent to any webhook (and kustomization.yaml files or patches are no API objects at all).
            return null;
        }
        Optional<String> malformed = malformed(o);
        if (malformed.isPresent()) {
            // The API server refuses such a document before any webhook sees it; say so and go on with the others.
            return line(Verdict.DENIED, kind + " " + m.source(), m, GateDecision.Reasons.INVALID, malformed.get(),
                    List.of());
        }
        // Namespaces and fleetwarden's own policies (ArtifactPolicy, TenancyPolicy) are cluster-scoped: naming
        // them with the default namespace would point a reader at an object that cannot exist.
        boolean namespaced = !"Namespace".equals(kind) && !apiVersion.startsWith("fleetwarden.io/");
        String ns = namespaced ? o.path("metadata").path("namespace").asText(defaultNamespace) : "";
        String name = o.path("metadata").path("name").asText();
        String what = kind + " " + (namespaced ? ns + "/" : "") + name;
        if (apiVersion.startsWith("fleetwarden.io/")) {
            PolicySnapshot compiled = PolicySnapshot.compile(0, PolicyDocuments.parse(m.source(), o.toString()), Uncovered.DENY);
            return compiled.problems().isEmpty() ? line(Verdict.ALLOWED, what, m, "Valid", "", List.of())
                    : line(Verdict.DENIED, what, m, "Invalid", String.join("; ", compiled.problems()), List.of());
        }
        Gvk gvk = governedKind.get().gvk();
        List<String> warnings = new ArrayList<>(m.origin() == null ? List.of() : m.origin().notes());
        if (!gvk.version().equals(asWritten.version())) {
            if (!EQUIVALENT_VERSIONS.getOrDefault(gvk.group() + "/" + kind, Set.of()).contains(asWritten.version())) {
                List<String> known = new ArrayList<>(List.of(gvk.version()));
                known.addAll(new TreeSet<>(EQUIVALENT_VERSIONS.getOrDefault(gvk.group() + "/" + kind, Set.of())));
                return line(Verdict.DENIED, what, m, "UnsupportedVersion", "apiVersion " + apiVersion + " of " + kind
                        + " is not a version fleetwarden judges (" + String.join(", ", known) + "); refused rather "
                        + "than judged by rules written for another", List.of());
            }
        }
        boolean source = "OCIRepository".equals(kind);
        Map<String, Set<String>> unresolved = source ? PostBuildOptions.unresolved(o.path("spec"), "spec") : Map.of();
        if (unresolved.containsKey("spec.url")) {
            // Neither tenancy (the tenant's allowed sources) nor coverage can be read from a URL not yet known.
            return line(Verdict.NOT_JUDGED, what, m, UNRESOLVED, PostBuildOptions.unresolvedMessage(unresolved), warnings);
        }
        ObjectNode object = ((ObjectNode) o.deepCopy());
        object.put("apiVersion", gvk.apiVersion());
        ((ObjectNode) object.with("metadata")).put("namespace", ns);
        JsonNode existing = namespaced ? null : cluster.namespace(name).orElse(null);
        Operation op = existing == null ? Operation.CREATE : Operation.UPDATE;
        String user = m.origin() != null && m.origin().user() != null ? m.origin().user() : defaultUser(ns);
        TenancyRequest mutate = new TenancyRequest(op, gvk, ns, what, object, existing, user, null, cluster);
        TenancyDecision mutated = TenancyAdmission.mutate(snapshot.tenancy(), mutate);
        if (mutated instanceof TenancyDecision.Allowed a && !a.patch().isEmpty()) {
            a.patch().forEach(p -> apply(object, p));
            warnings.add("defaulted by the mutating webhook: " + a.patchJson());
        }
        TenancyDecision tenancy = TenancyAdmission.validate(snapshot.tenancy(), new TenancyRequest(op, gvk,
                ns, what, object, existing, user, null, cluster));
        if (tenancy instanceof TenancyDecision.Denied d) {
            if (d.violations().stream().allMatch(v -> v.rule().equals("namespace.unknown"))) {
                return namespaceUnknown(what, m, ns, source ? object : null, unresolved, warnings);
            }
            return line(Verdict.DENIED, what, m, "TenancyViolation", d.message(), warnings);
        }
        warnings.addAll(((TenancyDecision.Allowed) tenancy).warnings());
        if (kind.equals("HelmChart") || kind.equals("HelmRelease")) {
            return chart(what, m, object, warnings);
        }
        if (!source) {
            return line(warnings.isEmpty() ? Verdict.ALLOWED : Verdict.WARNED, what, m, "Allowed", "", warnings);
        }
        return source(what, m, object, unresolved, warnings, false);
    }

    /**
     * An artifact that is pulled but is no API object (a FluxInstance's distribution artifact): {@code object} is
     * the equivalent OCIRepository, judged by the signature gate alone, without its verification spec.
     */
    Line pulledArtifact(ManifestReader.Manifest m, String what) {
        List<String> warnings = new ArrayList<>(m.origin() == null ? List.of() : m.origin().notes());
        Map<String, Set<String>> unresolved = PostBuildOptions.unresolved(m.object().path("spec"), "spec");
        Line l = unresolved.containsKey("spec.url")
                ? line(Verdict.NOT_JUDGED, what, m, UNRESOLVED, PostBuildOptions.unresolvedMessage(unresolved), warnings)
                : source(what, m, m.object(), unresolved, warnings, true);
        return new Line(l.verdict(), PULLED_ARTIFACT, l.origin(), l.what(), l.source(), l.reason(), l.message(),
                l.warnings());
    }

    /** Whom check asks as for an object of {@code namespace}: {@code --as}, else the tenant's default account. */
    private String defaultUser(String namespace) {
        return as != null ? as : "system:serviceaccount:" + namespace + ":" + snapshot.tenancy().defaultServiceAccount();
    }

    /**
     * Whom Flux Operator applies a ResourceSet's objects as: its {@code spec.serviceAccountName}, as the mutating
     * webhook defaults it in a tenant namespace; for one naming none elsewhere, {@code --as}, else Flux Operator
     * itself (or the service account its {@code multitenancy.defaultServiceAccount} names, D2's {@code flux-operator}).
     *
     * @param resourceSet with its namespace set
     */
    String resourceSetApplier(JsonNode resourceSet) {
        String ns = resourceSet.at("/metadata/namespace").asText();
        String account = resourceSet.at("/spec/serviceAccountName").asText("");
        if (account.isEmpty()) {
            Gvk gvk = GovernedKind.RESOURCE_SET.gvk();
            TenancyDecision mutated = TenancyAdmission.mutate(snapshot.tenancy(), new TenancyRequest(Operation.CREATE,
                    gvk, ns, "ResourceSet", resourceSet, null, defaultUser(ns), null, cluster));
            if (mutated instanceof TenancyDecision.Allowed a) {
                account = a.patch().stream().filter(p -> p.path().equals("/spec/serviceAccountName"))
                        .map(p -> p.value().asText()).findFirst().orElse("");
            }
        }
        if (!account.isEmpty()) {
            return "system:serviceaccount:" + ns + ":" + account;
        }
        return as != null ? as : FLUX_OPERATOR;
    }

    /**
     * The tenancy rules could not tell whether the namespace is a tenant's: offline, that only means check was not
     * told. A source no policy admits is still denied (whatever the namespace); anything else is not judged.
     */
    private Line namespaceUnknown(String what, ManifestReader.Manifest m, String ns, JsonNode source,
            Map<String, Set<String>> unresolved, List<String> warnings) {
        String message = "the labels of namespace \"" + ns + "\" are not known, so whether it is a tenant's cannot be "
                + "decided: pass --cluster-state FILE with the cluster's Namespaces (kubectl get namespaces -o yaml > "
                + "FILE), or check the Namespace with it";
        if (source != null) {
            Line gate = source(what, m, source, unresolved, new ArrayList<>(warnings), false);
            if (gate.verdict() == Verdict.DENIED) {
                List<String> w = new ArrayList<>(gate.warnings());
                w.add("tenancy not judged: " + message);
                return line(Verdict.DENIED, what, m, gate.reason(), gate.message(), w);
            }
        }
        return line(Verdict.NOT_JUDGED, what, m, NAMESPACE_UNKNOWN, message, warnings);
    }

    /** What the API server would refuse to decode, with the field; empty when the shape is one it accepts. */
    static Optional<String> malformed(JsonNode o) {
        if (!o.path("kind").isTextual() || o.path("kind").asText().isEmpty()) {
            return Optional.of("kind: must be a non-empty string, got " + describe(o.get("kind")));
        }
        if (!o.path("apiVersion").isTextual() || o.path("apiVersion").asText().isEmpty()) {
            return Optional.of("apiVersion: must be a non-empty string, got " + describe(o.get("apiVersion")));
        }
        JsonNode meta = o.get("metadata");
        if (meta == null || !meta.isObject()) {
            return Optional.of("metadata: must be an object with a name, got " + describe(meta));
        }
        if (!meta.path("name").isTextual() || meta.path("name").asText().isEmpty()) {
            return Optional.of("metadata.name: must be a non-empty string, got " + describe(meta.get("name")));
        }
        if (meta.has("namespace") && !meta.get("namespace").isTextual()) {
            return Optional.of("metadata.namespace: must be a string, got " + describe(meta.get("namespace")));
        }
        for (String field : new String[] {"labels", "annotations"}) {
            JsonNode map = meta.get(field);
            if (map == null || map.isNull()) {
                continue;
            }
            if (!map.isObject()) {
                return Optional.of("metadata." + field + ": must be a map of strings, got " + describe(map));
            }
            for (var it = map.fields(); it.hasNext();) {
                var e = it.next();
                if (!e.getValue().isTextual()) {
                    return Optional.of("metadata." + field + "." + e.getKey() + ": must be a string, got "
                            + describe(e.getValue()));
                }
            }
        }
        return Optional.empty();
    }

    private static String describe(JsonNode n) {
        if (n == null) {
            return "nothing";
        }
        String type = switch (n.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
        String text = n.toString();
        return n.isNull() || n.isContainerNode() ? type : type + " (" + (text.length() > 40 ? text.substring(0, 40) + "…"
                : text) + ")";
    }

    private Line source(String what, ManifestReader.Manifest m, JsonNode object, Map<String, Set<String>> unresolved,
            List<String> warnings, boolean pulledArtifact) {
        OciSource.Parsed parsed = OciSource.from(object);
        if (parsed instanceof OciSource.Invalid invalid) {
            return line(Verdict.DENIED, what, m, GateDecision.Reasons.INVALID, String.join("; ",
                    invalid.violations().stream().map(FieldViolation::toString).toList()), warnings);
        }
        OciSource source = ((OciSource.Valid) parsed).source();
        if (!unresolved.isEmpty()) {
            // The URL is known, so coverage is: a source no policy covers, or one only Allow policies cover, is
            // decided whatever its ref and spec.verify turn out to be. Anything else needs them.
            GateDecision d = decide(source, true, pulledArtifact);
            if (!d.reason().equals(GateDecision.Reasons.NOT_COVERED)
                    && !d.reason().equals(GateDecision.Reasons.ALLOWED_UNSIGNED)) {
                return line(Verdict.NOT_JUDGED, what, m, UNRESOLVED, PostBuildOptions.unresolvedMessage(unresolved), warnings);
            }
            return line(d, what, m, warnings);
        }
        return line(decide(source, offline, pulledArtifact), what, m, warnings);
    }

    /**
     * A HelmChart, or a HelmRelease as the HelmChart it creates, through the Helm chart gate: coverage and the
     * chart's verify offline, and the signature of the chart its version resolves to online. Its HelmRepository
     * must be among the checked files or {@code --cluster-state}; otherwise it is not judged (the webhook would
     * admit it and judge it when the HelmRepository is created).
     */
    private Line chart(String what, ManifestReader.Manifest m, JsonNode object, List<String> warnings) {
        boolean release = object.path("kind").asText().equals("HelmRelease");
        JsonNode pulled = release ? object.path("spec").path("chart") : object.path("spec");
        Map<String, Set<String>> unresolved = PostBuildOptions.unresolved(pulled, release ? "spec.chart" : "spec");
        if (!unresolved.isEmpty() && !(release && object.path("spec").has("chartRef"))) {
            return line(Verdict.NOT_JUDGED, what, m, UNRESOLVED, PostBuildOptions.unresolvedMessage(unresolved), warnings);
        }
        GateDecision d = charts.decide(object.path("kind").asText(), object, Deadline.after(timeout), offline,
                new RegistryWait());
        if (d.reason().equals(HelmChartGate.REPOSITORY_PENDING)) {
            return line(Verdict.NOT_JUDGED, what, m, HelmChartGate.REPOSITORY_PENDING, d.message().replace(
                    "is judged when it is created", "cannot be judged without it") + ": check it with the "
                    + "HelmRepository, or pass --cluster-state FILE with the cluster's (kubectl get helmrepositories -A "
                    + "-o yaml > FILE)", warnings);
        }
        return line(d, what, m, warnings);
    }

    private GateDecision decide(OciSource source, boolean offlineOnly, boolean pulledArtifact) {
        return pulledArtifact ? gate.decidePulledArtifact(source, Deadline.after(timeout), offlineOnly)
                : gate.decide(source, Deadline.after(timeout), offlineOnly);
    }

    private static Line line(GateDecision d, String what, ManifestReader.Manifest m, List<String> warnings) {
        if (d instanceof GateDecision.Allowed a) {
            warnings.addAll(a.warnings());
            return line(warnings.isEmpty() ? Verdict.ALLOWED : Verdict.WARNED, what, m, a.reason(), a.message(), warnings);
        }
        return line(d instanceof GateDecision.Denied ? Verdict.DENIED : Verdict.UNAVAILABLE, what, m, d.reason(),
                d.message(), warnings);
    }

    /** The patches the mutating webhook makes are additions under spec. */
    private static void apply(ObjectNode object, JsonPatchOp op) {
        String[] path = op.path().substring(1).split("/");
        ObjectNode parent = object;
        for (int i = 0; i < path.length - 1; i++) {
            parent = (ObjectNode) parent.with(path[i]);
        }
        parent.set(path[path.length - 1], op.value());
    }

    private static Line line(Verdict v, String what, ManifestReader.Manifest m, String reason, String message,
            List<String> warnings) {
        String kind = m.object().path("kind").isTextual() ? m.object().path("kind").asText() : "";
        return new Line(v, kind.isEmpty() ? "(no kind)" : kind, m.origin() == null ? null : m.origin().what(), what,
                m.source(), reason, message, warnings);
    }
}
