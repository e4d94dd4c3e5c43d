package io.fleetwarden.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryProxy;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

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
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        if (!data.containsKey("address")) {
            throw fail(what + " has no address key");
        }
        String address = decoded(data, "address", what);
        String username = data.containsKey("username") ? decoded(data, "username", what) : null;
        String password = username != null && data.containsKey("password") ? decoded(data, "password", what) : null;
        try {
            return RegistryProxy.forSource(address, username, password, what);
        } catch (IllegalArgumentException e) {
            // RegistryProxy's messages name the scheme or what is missing, never the address's login.
            throw fail(e.getMessage());
        }
    }

    private static String decoded(Map<String, String> data, String key, String what) throws RegistryException {
        try {
            return new String(Base64.getDecoder().decode(data.get(key) == null ? "" : data.get(key)),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw fail(what + ": " + key + " is not valid base64");
        }
    }

    private static RegistryException fail(String message) {
        return new RegistryException(RegistryException.Kind.UNAUTHORIZED, message);
    }
}
