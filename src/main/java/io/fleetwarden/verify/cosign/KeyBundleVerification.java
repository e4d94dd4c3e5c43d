package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.policy.SignerIdentity;
import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.Evidence;
import io.fleetwarden.verify.SignatureVerdict;
import io.fleetwarden.verify.TrustAnchor;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A bundle verified with the policy's public key ({@code cosign verify --key}). sigstore-java 2.0.0 refuses
 * bundles with {@code verificationMaterial.publicKey}, so this is done here: the key from the trust anchor
 * (never a key or certificate from the bundle, which is only a hint) must verify the message signature over the
 * artifact digest or the DSSE PAE ({@link DsseSignature}, shared with keyless DSSE bundles), and the log
 * entry, when present or required, must verify against the trusted root's Rekor logs ({@link BundleLogEntry}).
 */
final class KeyBundleVerification {

    private final SigningTimes times;

    KeyBundleVerification(SigningTimes times) {
        this.times = times;
    }

    SignatureVerdict verify(String label, BundleDocument doc, Digest artifact, TrustAnchor anchor, LoadedRoot root) {
        Failures f = new Failures(label);
        PublicKey key = anchor.publicKey();
        byte[] signature = null;
        byte[] loggedHash = null;
        String predicateType = null;
        try {
            if (doc.isDsse()) {
                DsseSignature.Checked dsse = DsseSignature.verify(doc, artifact, key, "the given public key", f);
                if (dsse == null) {
                    return f.verdict();
                }
                signature = dsse.signature();
                loggedHash = dsse.payloadSha256();
                predicateType = dsse.predicateType();
            } else if (doc.json().has("messageSignature")) {
                JsonNode ms = doc.messageSignature();
                signature = Encodings.base64("messageSignature.signature", ms.path("signature").asText(null));
                loggedHash = artifact.bytes();
                JsonNode md = ms.path("messageDigest");
                if (!"sha256".equals(artifact.algorithm())) {
                    f.add(Check.ARTIFACT_DIGEST, "message signatures are verified against sha256 digests; got " + artifact);
                } else if (md.has("digest") && (!"SHA2_256".equals(md.path("algorithm").asText())
                        || !MessageDigest.isEqual(Encodings.base64("messageDigest.digest", md.path("digest").asText()),
                                artifact.bytes()))) {
                    f.add(Check.ARTIFACT_DIGEST, "the bundle was not made for artifact digest " + artifact);
                } else if (!KeySignatures.verifiesDigest(key, artifact.bytes(), signature)) {
                    f.add(Check.SIGNATURE, "the signature does not verify over " + artifact + " with the given public key");
                }
            } else {
                return Failures.single(label, Check.SIGNATURE_FORMAT, "the bundle has neither messageSignature nor "
                        + "dsseEnvelope");
            }
        } catch (IllegalArgumentException e) {
            f.add(Check.SIGNATURE_FORMAT, e.getMessage());
            return f.verdict();
        }
        Set<Evidence> evidence = EnumSet.of(KeylessBundleVerification.source(label), Evidence.PUBLIC_KEY);
        Instant signedAt = null;
        JsonNode entries = doc.tlogEntries();
        if (entries.size() == 0) {
            if (anchor.requireTlog()) {
                f.add(Check.TLOG_ENTRY, "the bundle has no transparency log entry, which the trust anchor requires");
            }
        } else if (root == null) {
            f.add(Check.TLOG_ENTRY, "trusted root \"" + anchor.trustedRoot() + "\" is not loaded, so the log entry "
                    + "cannot be checked");
        } else {
            BundleLogEntry.Checked checked = BundleLogEntry.verify(entries.get(0), root,
                    new LoggedSignature(doc.isDsse(), loggedHash, signature, null, key), false, f);
            evidence.addAll(checked.evidence());
            signedAt = checked.integratedTime();
            if (signedAt != null) {
                times.checkNotInFuture(List.of(signedAt), f);
                AuthorityValidity.check(root.root(), null, checked.logId(), List.of(signedAt), f);
            }
        }
        if (!f.isEmpty()) {
            return f.verdict();
        }
        return new SignatureVerdict.Valid(label, SignerIdentity.ofKey(CertificateClaims.keyId(key)), evidence, signedAt,
                predicateType);
    }
}
