package io.fleetwarden.tenancy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tenancy rules at admission, pure: the webhook turns an {@code AdmissionReview} into a
 * {@link TenancyRequest} and the decision back into a response.
 *
 * <p><b>Defaulting.</b> Where a tenant's Kustomization, HelmRelease or ResourceSet leaves
 * {@code spec.serviceAccountName} empty, the <em>mutating</em> webhook ({@link #mutate}) sets it to the
 * tenant's default ({@code flux}) with a JSON Patch, and the <em>validating</em> webhook ({@link #validate})
 * then requires it set. We chose this over "the reconciler impersonates the default" because the stored object
 * then says who it runs as, and the guarantee holds next to an unmodified Flux: a controller without
 * {@code --default-service-account} would otherwise apply a tenant's object as itself (cluster-admin). If the
 * mutating webhook is missing or bypassed, validation denies instead of letting that happen.
 *
 * <p><b>Order.</b> Kinds not governed pass. A governed kind in an unexpected version is denied. A matching
 * exemption (exact username, operation, kind) passes with a warning. Namespace objects go to
 * {@link NamespaceLabelRule}. DELETE passes. Objects outside tenant namespaces pass; an unknown namespace is
 * denied. Without a TenancyPolicy in force, every object in a tenant namespace is denied ({@code policy.undefined}).
 * An UPDATE that leaves {@code spec} unchanged (finalizers, labels, status writers) passes, with the
 * current violations as warnings, so that tightening a policy never wedges deletion of an old object; any spec
 * change is judged in full. Then the per-kind rules, and for a non-platform requester, {@link VerifyRatchet}.
 * Rules apply to every requester in a tenant namespace, the platform's controllers included: an object in a
 * tenant namespace is reconciled in the tenant's context, whoever wrote it.
 */
public final class TenancyAdmission {

    private TenancyAdmission() {
    }

    /** For the mutating webhook: may return a patch that sets the default service account. */
    public static TenancyDecision mutate(TenancyRules rules, TenancyRequest request) {
        return evaluate(rules, request, true);
    }

    /** For the validating webhook: never patches; a missing service account is a violation. */
    public static TenancyDecision validate(TenancyRules rules, TenancyRequest request) {
        return evaluate(rules, request, false);
    }

    private static TenancyDecision evaluate(TenancyRules rules, TenancyRequest req, boolean mutating) {
        Optional<GovernedKind> governed = GovernedKind.of(req.gvk());
        if (governed.isEmpty()) {
            return TenancyDecision.Allowed.plain();
        }
        GovernedKind kind = governed.get();
        if (!kind.gvk().version().equals(req.gvk().version())) {
            return deny("kind.unsupported-version", "apiVersion", "fleetwarden judges " + kind.gvk()
                    + "; register the webhook for that version with matchPolicy: Equivalent, got " + req.gvk());
        }
        Optional<Exemption> exempt = rules.exemptionFor(req.username(), req.operation(), kind.kind());
        if (exempt.isPresent()) {
            return new TenancyDecision.Allowed(List.of(), List.of("tenancy rules skipped: " + req.username() + " is exempt for "
                    + req.operation() + " " + kind.kind()));
        }
        if (req.operation() != Operation.DELETE && !isObject(req.object())
                || req.operation() == Operation.UPDATE && !isObject(req.oldObject())) {
            return deny("object.malformed", "object", "the request must carry the object"
                    + (req.operation() == Operation.UPDATE ? " and the old object" : ""));
        }
        if (kind == GovernedKind.NAMESPACE) {
            return NamespaceLabelRule.check(rules, req);
        }
        if (req.operation() == Operation.DELETE) {
            return TenancyDecision.Allowed.plain();
        }
        NamespaceClass nsClass = rules.classify(req.namespace(), req.namespaceLabels());
        if (nsClass instanceof NamespaceClass.Platform) {
            return TenancyDecision.Allowed.plain();
        }
        if (nsClass instanceof NamespaceClass.Unknown) {
            return deny("namespace.unknown", "metadata.namespace", "the labels of namespace " + Names.quote(req.namespace())
                    + " are not known, so whether it is a tenant cannot be decided; retry once it exists");
        }
        if (!rules.defined()) {
            return deny("policy.undefined", "metadata.namespace", rules.refusal());
        }
        Tenant tenant = ((NamespaceClass.TenantNamespace) nsClass).tenant();
        return judgeTenantObject(rules, req, kind, tenant, mutating);
    }

    private static TenancyDecision judgeTenantObject(TenancyRules rules, TenancyRequest req, GovernedKind kind,
            Tenant tenant, boolean mutating) {
        JsonNode object = req.object();
        if (!Json.absent(object.get("spec")) && !object.get("spec").isObject()) {
            return deny("object.malformed", "spec", "must be an object");
        }
        boolean specUnchanged = req.operation() == Operation.UPDATE
                && object.path("spec").equals(req.oldObject().path("spec"));
        List<JsonPatchOp> patch = new ArrayList<>();
        if (mutating && !specUnchanged && kind.runsAsServiceAccount()) {
            object = defaultServiceAccount(object, tenant.defaultServiceAccount(), patch);
        }
        ObjectChecks checks = new ObjectChecks(rules, tenant, req.namespace());
        KindRules.check(kind, object.path("spec"), checks);
        if (req.operation() == Operation.UPDATE && !rules.isPlatformIdentity(req.username(), req.groups())) {
            if (kind == GovernedKind.OCI_REPOSITORY || kind == GovernedKind.GIT_REPOSITORY) {
                VerifyRatchet.check(req.oldObject().path("spec").path("verify"), object.path("spec").path("verify"),
                        "spec.verify", checks);
            } else if (kind == GovernedKind.HELM_RELEASE) {
                VerifyRatchet.check(req.oldObject().path("spec").path("chart").path("spec").path("verify"),
                        object.path("spec").path("chart").path("spec").path("verify"), "spec.chart.spec.verify", checks);
            }
        }
        if (specUnchanged) {
            // Ratchet: nothing the rules read has changed; judged in full on the next spec change.
            return new TenancyDecision.Allowed(List.of(), checks.violations.stream()
                    .map(v -> "unchanged spec admitted although it violates " + v).toList());
        }
        return checks.violations.isEmpty() ? new TenancyDecision.Allowed(patch, List.of())
                : new TenancyDecision.Denied(checks.violations);
    }

    /** Sets {@code spec.serviceAccountName} when absent or empty; returns the object as patched. */
    private static JsonNode defaultServiceAccount(JsonNode object, String sa, List<JsonPatchOp> patch) {
        JsonNode current = object.path("spec").path("serviceAccountName");
        if (!Json.absent(current) && !(current.isTextual() && current.asText().isEmpty())) {
            return object;
        }
        ObjectNode copy = object.deepCopy();
        if (Json.absent(copy.get("spec"))) {
            ObjectNode spec = JsonNodeFactory.instance.objectNode().put("serviceAccountName", sa);
            patch.add(new JsonPatchOp("add", "/spec", spec));
            copy.set("spec", spec.deepCopy());
        } else {
            patch.add(new JsonPatchOp("add", "/spec/serviceAccountName", TextNode.valueOf(sa)));
            ((ObjectNode) copy.get("spec")).put("serviceAccountName", sa);
        }
        return copy;
    }

    private static boolean isObject(JsonNode n) {
        return n != null && n.isObject();
    }

    private static TenancyDecision deny(String rule, String field, String message) {
        return new TenancyDecision.Denied(List.of(new TenancyViolation(rule, field, message)));
    }
}
