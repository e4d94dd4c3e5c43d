package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.policy.SignerIdentity;
import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.Evidence;
import io.fleetwarden.verify.SignatureVerdict;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A keyless bundle with a DSSE envelope (cosign v3 {@code sign} and {@code attest}), verified here instead of by
 * sigstore-java 2.0.0, which cannot parse the statement cosign v3 writes (its in-toto subject has no
 * {@code name}) and computes the PAE length in UTF-16 characters. Every check {@code KeylessVerifier} makes for
 * DSSE is made, with the same sigstore-java building blocks where they work:
 *
 * <ol>
 * <li>certificate chain and SCT: {@code FulcioVerifier} ({@link FulcioChain}; the bundle's chain never decides
 * trust);</li>
 * <li>envelope: one signature, in-toto payload type, subject digest, byte-length PAE signature with the leaf's
 * key ({@link DsseSignature}, the same code as key-based bundles);</li>
 * <li>log entry: {@code RekorVerifier} (inclusion proof, checkpoint, SET) and a {@code dsse} 0.0.1 body that
 * records this payload hash, signature and certificate ({@link BundleLogEntry}); or a Rekor v2 {@code dsse} 0.0.2
 * entry, whose inclusion proof and checkpoint are verified here ({@link RekorV2Entry});</li>
 * <li>RFC 3161 timestamps, if any: {@code TimestampVerifier} ({@link BundleTimestamps});</li>
 * </ol>
 * and then the checks 2.0.0 misses: integrated time within the certificate's validity, signing times within the
 * trusted root's authority windows and not in the future. The integrated time only counts as a signing time when
 * the log signed it (SET); without a SET or a timestamp there is no trusted signing time and the bundle fails.
 * A Rekor v2 entry has no integrated time, so it needs an RFC 3161 timestamp ({@link Check#RFC3161_TIMESTAMP}).
 */
final class KeylessDsseVerification {

    private final SigningTimes times;

    KeylessDsseVerification(SigningTimes times) {
        this.times = times;
    }

    /** @param presented the bundle's certificates, leaf first, already checked to hold no root CA */
    SignatureVerdict verify(String label, BundleDocument doc, List<X509Certificate> presented, Digest artifact,
            LoadedRoot root) {
        Failures f = new Failures(label);
        X509Certificate leaf = presented.get(0);
        PublicKey key = leaf.getPublicKey();
        FulcioChain.verify(root, leaf, presented.subList(1, presented.size()), f);
        DsseSignature.Checked dsse = DsseSignature.verify(doc, artifact, key, "the certificate's key", f);
        if (dsse == null) {
            return f.verdict();
        }
        JsonNode entries = doc.tlogEntries();
        if (entries.size() == 0) {
            f.add(Check.TLOG_ENTRY, "the bundle has no transparency log entry; keyless signatures must be logged");
            return f.verdict();
        }
        BundleLogEntry.Checked logged = BundleLogEntry.verify(entries.get(0), root,
                new LoggedSignature(true, dsse.payloadSha256(), dsse.signature(), leaf, key), true, f);
        List<Instant> signingTimes = new ArrayList<>();
        if (logged.integratedTime() != null) {
            // Checked even when no SET signed it: a log that places the entry outside the certificate's life is
            // wrong either way. It only counts as a signing time when signed, though.
            SigningTimes.checkIntegratedTime(leaf, logged.integratedTime(), f);
            if (logged.evidence().contains(Evidence.SIGNED_ENTRY_TIMESTAMP)) {
                signingTimes.add(logged.integratedTime());
            }
        }
        List<Instant> stamped = BundleTimestamps.verify(doc, root, dsse.signature(), leaf, f);
        signingTimes.addAll(stamped);
        if (logged.rekorV2() && stamped.isEmpty() && !f.has(Check.RFC3161_TIMESTAMP)) {
            // Rekor v2 logs sign no time at all: without a verified timestamp nothing says when the certificate
            // was used, so its ten-minute validity would bind nothing. Fail closed, naming what is missing.
            f.add(Check.RFC3161_TIMESTAMP, "the Rekor v2 log entry carries no integrated time, and the bundle has no "
                    + "RFC 3161 timestamp from a TSA of the trusted root to give the signing time");
        } else if (signingTimes.isEmpty() && !f.has(Check.TLOG_ENTRY) && !f.has(Check.RFC3161_TIMESTAMP)) {
            f.add(Check.TLOG_ENTRY, "the bundle has no trusted signing time: neither a signed entry timestamp nor an "
                    + "RFC 3161 timestamp");
        }
        times.checkNotInFuture(signingTimes, f);
        if (!f.has(Check.CERTIFICATE_CHAIN)) {
            AuthorityValidity.check(root.root(), presented, logged.logId(), signingTimes, f);
        }
        SignerIdentity signer = CertificateClaims.identityOf(leaf, f);
        if (!f.isEmpty()) {
            return f.verdict();
        }
        Set<Evidence> evidence = EnumSet.of(KeylessBundleVerification.source(label), Evidence.CERTIFICATE_CHAIN,
                Evidence.SCT);
        evidence.addAll(logged.evidence());
        if (!stamped.isEmpty()) {
            evidence.add(Evidence.RFC3161_TIMESTAMP);
        }
        return new SignatureVerdict.Valid(label, signer, evidence, SigningTimes.first(signingTimes),
                dsse.predicateType());
    }
}
