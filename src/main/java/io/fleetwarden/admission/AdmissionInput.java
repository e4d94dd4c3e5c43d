package io.fleetwarden.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * One AdmissionReview request, parsed and bounded, as the handlers see it.
 *
 * @param operation    CREATE, UPDATE, DELETE or CONNECT
 * @param group        the object's API group ({@code source.toolkit.fluxcd.io}); empty for the core group
 * @param version      the object's version as sent ({@code v1}, {@code v1beta2})
 * @param kind         the object's kind ({@code OCIRepository})
 * @param subResource  null unless the request is for a subresource ({@code status})
 * @param object       the object after the change; null for DELETE
 * @param oldObject    the object before the change; null for CREATE
 * @param dryRun       whether the API server will not persist the change
 */
public record AdmissionInput(String uid, String operation, String group, String version, String kind,
        String subResource, String namespace, String name, JsonNode object, JsonNode oldObject, String username,
        Set<String> groups, boolean dryRun) {

    public AdmissionInput {
        groups = groups == null ? Set.of() : Set.copyOf(groups);
    }
}
