package io.fleetwarden.oci.cloud;

import io.fleetwarden.oci.RegistryException;

/** AWS registry logins for the service's own identity (being built). */
final class AwsEcrIdentity {

    private AwsEcrIdentity() {
    }

    static CloudIdentity fromEnvironment() {
        return (input, registry, proxies, deadline) -> {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "AWS identities are not supported yet");
        };
    }
}
