package io.fleetwarden.tenancy;

import java.util.Map;
import java.util.Optional;

/**
 * The labels of a namespace as the cluster has them now (an informer cache in the webhook). Empty when the
 * namespace is unknown; the rules then deny rather than guess whether it is a tenant.
 */
@FunctionalInterface
public interface NamespaceLabels {

    Optional<Map<String, String>> labelsOf(String namespace);
}
