package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.gate.GateDecision;
import io.fleetwarden.source.OciSource;
import io.fleetwarden.gate.OciSourceGate;
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

/** Judges one manifest as the webhooks would: mutate (defaults), then validate (tenancy, signatures, policies). */
final class ManifestJudge {

    enum Verdict { ALLOWED, WARNED, DENIED, UNAVAILABLE }

    record Line(Verdict verdict, String what, String source, String reason, String message, List<String> warnings) {
        void print(PrintWriter out) {
            out.println(verdict + " " + what + " (" + source + "): " + reason + (message.isEmpty() ? "" : ": " + message));
            warnings.forEach(w -> out.println("  warning: " + w));
        }
    }

    private final OciSourceGate gate;
    private final PolicySnapshot snapshot;
    private final ClusterState cluster;
    private final String as;
    private final String defaultNamespace;
    private final boolean offline;
    private final Duration timeout;

    ManifestJudge(OciSourceGate gate, PolicySnapshot snapshot, ClusterState cluster, String as,
            String defaultNamespace, boolean offline, Duration timeout) {
        this.gate = gate;
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
        boolean namespaced = !"Namespace".equals(kind);
        String ns = namespaced ? o.path("metadata").path("namespace").asText(defaultNamespace) : "";
        String name = o.path("metadata").path("name").asText();
        String what = kind + " " + (namespaced ? ns + "/" : "") + name;
        if (apiVersion.startsWith("fleetwarden.io/")) {
            PolicySnapshot compiled = PolicySnapshot.compile(0, PolicyDocuments.parse(m.source(), o.toString()), Uncovered.DENY);
            return compiled.problems().isEmpty() ? line(Verdict.ALLOWED, what, m, "Valid", "", List.of())
                    : line(Verdict.DENIED, what, m, "Invalid", String.join("; ", compiled.problems()), List.of());
        }
        Gvk gvk = governedKind.get().gvk();
        List<String> warnings = new ArrayList<>();
        if (!gvk.version().equals(asWritten.version())) {
            if (!EQUIVALENT_VERSIONS.getOrDefault(gvk.group() + "/" + kind, Set.of()).contains(asWritten.version())) {
                List<String> known = new ArrayList<>(List.of(gvk.version()));
                known.addAll(new TreeSet<>(EQUIVALENT_VERSIONS.getOrDefault(gvk.group() + "/" + kind, Set.of())));
                return line(Verdict.DENIED, what, m, "UnsupportedVersion", "apiVersion " + apiVersion + " of " + kind
                        + " is not a version fleetwarden judges (" + String.join(", ", known) + "); refused rather "
                        + "than judged by rules written for another", List.of());
            }
        }
        ObjectNode object = ((ObjectNode) o.deepCopy());
        object.put("apiVersion", gvk.apiVersion());
        ((ObjectNode) object.with("metadata")).put("namespace", ns);
        JsonNode existing = namespaced ? null : cluster.namespace(name).orElse(null);
        Operation op = existing == null ? Operation.CREATE : Operation.UPDATE;
        String user = as != null ? as : "system:serviceaccount:" + ns + ":" + snapshot.tenancy().defaultServiceAccount();
        TenancyRequest mutate = new TenancyRequest(op, gvk, ns, what, object, existing, user, null, cluster);
        TenancyDecision mutated = TenancyAdmission.mutate(snapshot.tenancy(), mutate);
        if (mutated instanceof TenancyDecision.Allowed a && !a.patch().isEmpty()) {
            a.patch().forEach(p -> apply(object, p));
            warnings.add("defaulted by the mutating webhook: " + a.patchJson());
        }
        TenancyDecision tenancy = TenancyAdmission.validate(snapshot.tenancy(), new TenancyRequest(op, gvk,
                ns, what, object, existing, user, null, cluster));
        if (tenancy instanceof TenancyDecision.Denied d) {
            return line(Verdict.DENIED, what, m, "TenancyViolation", d.message(), warnings);
        }
        warnings.addAll(((TenancyDecision.Allowed) tenancy).warnings());
        if (!"OCIRepository".equals(kind)) {
            return line(warnings.isEmpty() ? Verdict.ALLOWED : Verdict.WARNED, what, m, "Allowed", "", warnings);
        }
        return source(what, m, object, warnings);
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

    private Line source(String what, ManifestReader.Manifest m, JsonNode object, List<String> warnings) {
        OciSource.Parsed parsed = OciSource.from(object);
        if (parsed instanceof OciSource.Invalid invalid) {
            return line(Verdict.DENIED, what, m, GateDecision.Reasons.INVALID, String.join("; ",
                    invalid.violations().stream().map(FieldViolation::toString).toList()), warnings);
        }
        GateDecision d = gate.decide(((OciSource.Valid) parsed).source(), Deadline.after(timeout), offline);
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
        return new Line(v, what, m.source(), reason, message, List.copyOf(warnings));
    }
}
