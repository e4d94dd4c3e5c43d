package io.fleetwarden.oci.cloud;

import io.fleetwarden.oci.RegistryException;

/** GCP registry logins for the service's own identity (being built). */
final class GcpIdentity {

    private GcpIdentity() {
    }

    static CloudIdentity fromEnvironment() {
        return (input, registry, proxies, deadline) -> {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "GCP identities are not supported yet");
        };
    }
}
