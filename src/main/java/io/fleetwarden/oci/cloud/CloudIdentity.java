package io.fleetwarden.oci.cloud;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryProxy;

/**
 * Registry logins issued to the service's own cloud identity (its pod's workload identity, the node's, or
 * credentials in its environment), for one provider: what source-controller does for a source with
 * {@code spec.provider} and no secret of its own.
 */
@FunctionalInterface
public interface CloudIdentity {

    /**
     * A fresh login for a registry of this provider. Every call to the provider runs within {@code deadline}.
     *
     * @param registryInput what {@link CloudProvider#registryInput} returned for the registry
     * @param registry      the registry host (with its port, if any)
     * @param proxies       which proxy each of the provider's endpoints is reached through ({@link
     *                      RegistryProxy#selector()} for the JDK's clients; a proxy's login, if any, is the proxy's)
     * @throws RegistryException {@code UNAUTHORIZED} when no identity is configured or the provider refuses it,
     *         {@code UNAVAILABLE} when an endpoint cannot be reached or answers unexpectedly, {@code TIMEOUT} when
     *         the deadline passes; messages name the provider, the step and the endpoint, never a token or a key
     */
    CloudLogin login(String registryInput, String registry, RegistryProxy proxies, Deadline deadline)
            throws RegistryException;
}
