package io.fleetwarden.tenancy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Set;

/**
 * What the tenancy rules need from an {@code AdmissionReview} request.
 *
 * @param namespace the request's namespace ({@code ""} for cluster-scoped objects such as Namespace)
 * @param object the new object (null on DELETE)
 * @param oldObject the object before an UPDATE or DELETE (null on CREATE)
 * @param namespaceLabels current labels of namespaces, to decide whether {@code namespace} is a tenant
 */
public record TenancyRequest(Operation operation, Gvk gvk, String namespace, String name, JsonNode object,
        JsonNode oldObject, String username, Set<String> groups, NamespaceLabels namespaceLabels) {

    public TenancyRequest {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(gvk, "gvk");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(namespaceLabels, "namespaceLabels");
        namespace = namespace == null ? "" : namespace;
        groups = groups == null ? Set.of() : Set.copyOf(groups);
    }
}
