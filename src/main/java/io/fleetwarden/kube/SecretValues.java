package io.fleetwarden.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fleetwarden.oci.RegistryException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The values of a Secret a source names (pull, cert or proxy Secret), decoded. A value that is not base64 is the
 * Secret's fault, {@link RegistryException.Kind#UNAUTHORIZED} as source-controller fails the pull, and its message
 * names the Secret and the key only: the JDK's own message quotes the offending character, part of the secret.
 */
final class SecretValues {

    private final Map<String, String> data;
    private final String what;

    /** @param what names the Secret in messages ({@code "pull secret ns/name"}) */
    SecretValues(Secret secret, String what) {
        this.data = secret.getData() == null ? Map.of() : secret.getData();
        this.what = what;
    }

    boolean has(String key) {
        return data.containsKey(key);
    }

    /** The value under {@code key}; empty when the key is absent. */
    byte[] bytes(String key) throws RegistryException {
        String value = data.get(key);
        if (value == null) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, what + ": " + key + " is not valid base64");
        }
    }

    /** The value under {@code key} as UTF-8 text; empty when the key is absent. */
    String text(String key) throws RegistryException {
        return new String(bytes(key), StandardCharsets.UTF_8);
    }
}
