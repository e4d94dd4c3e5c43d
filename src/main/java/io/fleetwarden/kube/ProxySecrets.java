package io.fleetwarden.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryProxy;

/**
 * An OCIRepository's {@code proxySecretRef}, read as source-controller reads it (fluxcd/pkg {@code runtime/secrets}
 * {@code ProxyURLFromSecret}): {@code address} required, {@code username} and {@code password} optional. Failures are
 * {@link RegistryException.Kind#UNAUTHORIZED} (source-controller: {@code AuthenticationFailed}); messages name the
 * Secret and never quote the password.
 */
final class ProxySecrets {

    private ProxySecrets() {
    }

    static RegistryProxy of(Secret secret, String what) throws RegistryException {
        SecretValues values = new SecretValues(secret, what);
        if (!values.has("address")) {
            throw fail(what + " has no address key");
        }
        String address = values.text("address");
        String username = values.has("username") ? values.text("username") : null;
        String password = username != null && values.has("password") ? values.text("password") : null;
        try {
            return RegistryProxy.forSource(address, username, password, what);
        } catch (IllegalArgumentException e) {
            // RegistryProxy's messages name the scheme or what is missing, never the address's login.
            throw fail(e.getMessage());
        }
    }

    private static RegistryException fail(String message) {
        return new RegistryException(RegistryException.Kind.UNAUTHORIZED, message);
    }
}
