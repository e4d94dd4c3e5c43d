package io.fleetwarden.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryTls;
import io.fleetwarden.oci.TlsPem;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * A registry's TLS material in a Secret, read as source-controller reads it (fluxcd/pkg {@code runtime/secrets}):
 * {@code ca.crt}, {@code tls.crt} and {@code tls.key}, or the legacy {@code caFile}, {@code certFile} and
 * {@code keyFile} where the standard key is absent. Any Secret type will do.
 *
 * <p>Failures are {@link RegistryException.Kind#UNAUTHORIZED}, which source-controller reports as
 * {@code AuthenticationFailed}; messages name the Secret and its keys and never quote their values.
 */
final class RegistryTlsSecrets {

    static final String CA = "ca.crt";
    static final String CERT = "tls.crt";
    static final String KEY = "tls.key";
    private static final Map<String, String> LEGACY = Map.of(CA, "caFile", CERT, "certFile", KEY, "keyFile");

    private RegistryTlsSecrets() {
    }

    /**
     * A {@code certSecretRef}: a CA, a client certificate with its key, or both. An incomplete pair or neither is
     * refused, as source-controller fails the source then.
     */
    static RegistryTls ofCertSecret(Secret secret, String what) throws RegistryException {
        Material material = material(secret, what);
        if (material.cert().length > 0 != material.key().length > 0) {
            throw fail(what + " has " + (material.cert().length > 0 ? CERT + " but no " + KEY : KEY + " but no " + CERT));
        }
        if (material.cert().length == 0 && material.ca().length == 0) {
            throw fail(what + " must hold " + CA + ", or both " + CERT + " and " + KEY);
        }
        return parsed(material, what);
    }

    /**
     * A {@code HelmRepository}'s {@code secretRef}, where TLS material lived before {@code certSecretRef}: Flux still
     * reads it when no {@code certSecretRef} is given, ignores an incomplete set (a login-only Secret has none), and
     * fails on material that does not parse.
     */
    static RegistryTls ofDeprecatedAuthSecret(Secret secret, String what) throws RegistryException {
        Material material = material(secret, what);
        boolean pair = material.cert().length > 0 && material.key().length > 0;
        boolean incompletePair = material.cert().length > 0 != material.key().length > 0;
        if (incompletePair || !pair && material.ca().length == 0) {
            return RegistryTls.system();
        }
        return parsed(material, what);
    }

    private static RegistryTls parsed(Material material, String what) throws RegistryException {
        try {
            List<X509Certificate> roots = material.ca().length == 0 ? List.of()
                    : TlsPem.caCertificates(material.ca(), material.caKey() + " of " + what);
            RegistryTls.ClientIdentity client = material.cert().length == 0 ? null
                    : TlsPem.clientIdentity(material.cert(), material.certKey() + " of " + what, material.key(),
                            material.keyKey() + " of " + what);
            return RegistryTls.of(roots, client);
        } catch (IllegalArgumentException e) {
            // TlsPem's messages name keys and what is wrong, never content.
            throw fail(e.getMessage());
        }
    }

    /** The three values, decoded, each under the key it was found at (for messages). */
    private record Material(byte[] ca, String caKey, byte[] cert, String certKey, byte[] key, String keyKey) {
    }

    private static Material material(Secret secret, String what) throws RegistryException {
        SecretValues values = new SecretValues(secret, what);
        String caKey = present(values, CA);
        String certKey = present(values, CERT);
        String keyKey = present(values, KEY);
        return new Material(values.bytes(caKey), caKey, values.bytes(certKey), certKey, values.bytes(keyKey), keyKey);
    }

    /** The standard key when the Secret has it, even empty (as Flux reads it), else the legacy one. */
    private static String present(SecretValues values, String key) {
        return values.has(key) || !values.has(LEGACY.get(key)) ? key : LEGACY.get(key);
    }

    private static RegistryException fail(String message) {
        return new RegistryException(RegistryException.Kind.UNAUTHORIZED, message);
    }
}
