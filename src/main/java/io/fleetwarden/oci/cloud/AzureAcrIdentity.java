package io.fleetwarden.oci.cloud;

import io.fleetwarden.oci.RegistryException;

/** Azure registry logins for the service's own identity (being built). */
final class AzureAcrIdentity {

    private AzureAcrIdentity() {
    }

    static CloudIdentity fromEnvironment() {
        return (input, registry, proxies, deadline) -> {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "Azure identities are not supported yet");
        };
    }
}
