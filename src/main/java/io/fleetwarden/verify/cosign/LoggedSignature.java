package io.fleetwarden.verify.cosign;

import java.security.PublicKey;
import java.security.cert.X509Certificate;

/**
 * What a bundle's log entry body must describe: the signature, the hash that was signed (the artifact digest
 * for a message signature, the sha256 of the DSSE payload for an envelope) and who signed it.
 *
 * @param dsse        true: the body must be a dsse entry; false: a hashedrekord
 * @param certificate the signing certificate of a keyless bundle, or null for a key-based one
 * @param key         the verifying key (the certificate's key when keyless)
 */
record LoggedSignature(boolean dsse, byte[] loggedHash, byte[] signature, X509Certificate certificate, PublicKey key) {
}
