package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.gate.GateDecision;
import io.fleetwarden.gate.OciSource;
import io.fleetwarden.gate.OciSourceGate;
import io.fleetwarden.gate.PolicySnapshot;
import io.fleetwarden.gate.Uncovered;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.policy.FieldViolation;
import io.fleetwarden.policy.PolicyDocuments;
import io.fleetwarden.tenancy.GovernedKind;
import io.fleetwarden.tenancy.Gvk;
import io.fleetwarden.tenancy.JsonPatchOp;
import io.fleetwarden.tenancy.NamespaceLabels;
import io.fleetwarden.tenancy.Operation;
import io.fleetwarden.tenancy.TenancyAdmission;
import io.fleetwarden.tenancy.TenancyDecision;
import io.fleetwarden.tenancy.TenancyRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
    private final NamespaceLabels namespaces;
    private final String as;
    private final String defaultNamespace;
    private final boolean offline;
    private final Duration timeout;

    ManifestJudge(OciSourceGate gate, PolicySnapshot snapshot, NamespaceLabels namespaces, String as,
            String defaultNamespace, boolean offline, Duration timeout) {
        this.gate = gate;
        this.snapshot = snapshot;
        this.namespaces = namespaces;
        this.as = as;
        this.defaultNamespace = defaultNamespace;
        this.offline = offline;
        this.timeout = timeout;
    }

    /** The verdict line, or null for objects no webhook judges. */
    Line judge(ManifestReader.Manifest m) {
        JsonNode o = m.object();
        String apiVersion = o.path("apiVersion").asText();
        String kind = o.path("kind").asText();
        boolean namespaced = !"Namespace".equals(kind);
        String ns = namespaced ? o.path("metadata").path("namespace").asText(defaultNamespace) : "";
        String what = kind + " " + (namespaced ? ns + "/" : "") + o.path("metadata").path("name").asText();
        if (apiVersion.startsWith("fleetwarden.io/")) {
            PolicySnapshot compiled = PolicySnapshot.compile(0, PolicyDocuments.parse(m.source(), o.toString()), Uncovered.DENY);
            return compiled.problems().isEmpty() ? line(Verdict.ALLOWED, what, m, "Valid", "", List.of())
                    : line(Verdict.DENIED, what, m, "Invalid", String.join("; ", compiled.problems()), List.of());
        }
        // OCIRepository v1beta2 and v1 carry the same fields the rules read; the webhook gets v1 through
        // matchPolicy: Equivalent, so judge a v1beta2 manifest as its v1 form.
        Gvk gvk = "source.toolkit.fluxcd.io/v1beta2".equals(apiVersion) ? new Gvk("source.toolkit.fluxcd.io", "v1", kind)
                : Gvk.of(apiVersion, kind);
        boolean governed = Arrays.stream(GovernedKind.values()).anyMatch(g -> g.gvk().equals(gvk));
        if (!governed) {
            return null;
        }
        ObjectNode object = ((ObjectNode) o.deepCopy());
        ((ObjectNode) object.with("metadata")).put("namespace", ns);
        List<String> warnings = new ArrayList<>();
        String user = as != null ? as : "system:serviceaccount:" + ns + ":" + snapshot.tenancy().defaultServiceAccount();
        TenancyRequest mutate = new TenancyRequest(Operation.CREATE, gvk, ns, what, object, null, user, null, namespaces);
        TenancyDecision mutated = TenancyAdmission.mutate(snapshot.tenancy(), mutate);
        if (mutated instanceof TenancyDecision.Allowed a && !a.patch().isEmpty()) {
            a.patch().forEach(p -> apply(object, p));
            warnings.add("defaulted by the mutating webhook: " + a.patchJson());
        }
        TenancyDecision tenancy = TenancyAdmission.validate(snapshot.tenancy(), new TenancyRequest(Operation.CREATE, gvk,
                ns, what, object, null, user, null, namespaces));
        if (tenancy instanceof TenancyDecision.Denied d) {
            return line(Verdict.DENIED, what, m, "TenancyViolation", d.message(), warnings);
        }
        warnings.addAll(((TenancyDecision.Allowed) tenancy).warnings());
        if (!"OCIRepository".equals(kind)) {
            return line(warnings.isEmpty() ? Verdict.ALLOWED : Verdict.WARNED, what, m, "Allowed", "", warnings);
        }
        return source(what, m, object, warnings);
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
