package io.fleetwarden.admission;

import io.fleetwarden.kube.DenialEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which Events a denied review gets ({@link DenialEvents} writes them, off the request path): a policy's refusal
 * (code 403: a signature, tenancy or policy rule said no), never an infrastructure failure (503, 500: the metrics
 * and the log say those). The Event is on the object when it exists (an UPDATE; a CREATE's object does not exist
 * yet), and on each policy that denied it. Dry runs count too: Flux's kustomize-controller applies a dry run first
 * and stops at its refusal, so a denial Flux repeats at every interval is only ever a dry run.
 */
public final class AdmissionEvents {

    private final DenialEvents events;
    private final Function<AdmissionDecision.PolicyRef, Optional<String>> policyUid;

    /** @param policyUid the uid of a policy object as the informer has it, empty when it has none */
    public AdmissionEvents(DenialEvents events, Function<AdmissionDecision.PolicyRef, Optional<String>> policyUid) {
        this.events = events;
        this.policyUid = policyUid;
    }

    /** Records nothing: for tests of the edge without a cluster. */
    public static AdmissionEvents none() {
        return new AdmissionEvents(null, p -> Optional.empty());
    }

    /**
     * Hands the denial to the writer; returns at once and never throws. A dry run ({@code kubectl apply
     * --dry-run=server}, a CI preview) writes nothing: the webhooks promise {@code sideEffects: NoneOnDryRun}, and
     * an Event would tell people looking at the policy that something was refused which nobody applied.
     */
    void reviewed(AdmissionInput in, AdmissionDecision decision) {
        if (events == null || in.dryRun() || !isPolicyRefusal(decision)) {
            return;
        }
        DenialEvents.Denial denial = denial(in, decision);
        if (denial.object() != null || !denial.policies().isEmpty()) {
            events.denied(denial);
        }
    }

    /** A rule said no (403); an outage (503) or an internal error (500) is not a denial of the object. */
    static boolean isPolicyRefusal(AdmissionDecision decision) {
        return !decision.allowed() && decision.code() == 403;
    }

    DenialEvents.Denial denial(AdmissionInput in, AdmissionDecision decision) {
        String apiVersion = in.group() == null || in.group().isEmpty() ? in.version() : in.group() + "/" + in.version();
        String uid = in.oldObject() == null ? "" : in.oldObject().path("metadata").path("uid").asText("");
        DenialEvents.ObjectRef object = "UPDATE".equals(in.operation()) && !uid.isEmpty()
                ? new DenialEvents.ObjectRef(apiVersion, in.kind(), in.namespace(), in.name(), uid) : null;
        List<DenialEvents.ObjectRef> policies = new ArrayList<>();
        for (AdmissionDecision.PolicyRef p : decision.deniedBy()) {
            policies.add(new DenialEvents.ObjectRef("fleetwarden.io/v1alpha1", p.kind(), "", p.name(),
                    policyUid.apply(p).orElse("")));
        }
        String where = in.namespace() == null || in.namespace().isEmpty() ? in.name() : in.namespace() + "/" + in.name();
        return new DenialEvents.Denial(object, policies, in.kind() + " " + where + " (" + in.operation()
                + ")", decision.reason(), decision.message());
    }
}
