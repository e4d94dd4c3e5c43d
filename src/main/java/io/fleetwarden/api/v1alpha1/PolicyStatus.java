package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * Whether a policy compiled and when fleetwarden loaded it, Flux-style: one {@code Ready} condition
 * (reason {@code Compiled}, {@code Invalid} with the violations in its message, or {@code TrustedRootUnavailable}
 * when an authority's trusted root cannot be used) for the observed generation.
 */
public class PolicyStatus {

    /**
     * The Ready condition's status, as a printer column reads it (Flux's {@code Ready} column). The CRD generator
     * orders columns by JSONPath, so the spaces (same meaning) put Ready before Status, as Flux shows them.
     */
    static final String READY_STATUS = ".status.conditions[?(@.type == \"Ready\")].status";
    /** The Ready condition's message (Flux's {@code Status} column). */
    static final String READY_MESSAGE = ".status.conditions[?(@.type==\"Ready\")].message";

    public List<Condition> conditions;

    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("When fleetwarden compiled this generation into the policies it serves (RFC 3339).")
    public String loadedAt;
}
