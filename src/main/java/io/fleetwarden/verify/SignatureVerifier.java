package io.fleetwarden.verify;

import io.fleetwarden.oci.Digest;

/**
 * The cryptographic half of verification, implemented by the Sigstore adapter ({@code verify.cosign}):
 * is this one signature a valid signature over this digest, made by whom and when? Identity policy is
 * applied afterwards by the caller, on the {@link SignatureVerdict.Valid} signer, so the adapter never
 * needs to know about policies and a policy change never needs new cryptography.
 *
 * <p>Implementations never throw for bad input: malformed material is an {@link SignatureVerdict.Invalid}
 * with {@link Check#SIGNATURE_FORMAT}.
 */
public interface SignatureVerifier {

    /** A legacy cosign signature: one simple-signing layer of a {@code sha256-<hex>.sig} manifest. */
    SignatureVerdict verifyLegacy(LegacySignature signature, Digest artifact, TrustAnchor anchor);

    /**
     * A Sigstore bundle (v0.1–v0.3), from an OCI referrer or a file. For a message-signature bundle the
     * signed digest must equal {@code artifact}; for a DSSE bundle an in-toto subject must.
     */
    SignatureVerdict verifyBundle(String label, byte[] bundleJson, Digest artifact, TrustAnchor anchor);
}
