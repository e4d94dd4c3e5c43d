package io.fleetwarden.verify.cosign;

import dev.sigstore.KeylessVerificationException;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.bundle.BundleParseException;
import dev.sigstore.encryption.certificates.Certificates;
import dev.sigstore.rekor.client.RekorEntry;
import dev.sigstore.timestamp.client.ImmutableTimestampResponse;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.policy.SignerIdentity;
import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.Evidence;
import io.fleetwarden.verify.SignatureVerdict;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * A keyless (Fulcio certificate) bundle: sigstore-java's {@link dev.sigstore.KeylessVerifier} does the
 * cryptography (chain, SCT, signature, log body, RFC 3161 timestamps, SET/inclusion proof/checkpoint), without
 * identity matchers (identity policy is the caller's), and then the checks 2.0.0 misses are made here: no root
 * CA in the presented chain, integrated time within the certificate's validity, signing time within the
 * trusted root's authority windows and not in the future, and a DSSE payload that 2.0.0's PAE handles.
 */
final class KeylessBundleVerification {

    private final SigningTimes times;

    KeylessBundleVerification(SigningTimes times) {
        this.times = times;
    }

    SignatureVerdict verify(String label, byte[] bundleJson, BundleDocument doc, Digest artifact, LoadedRoot root) {
        Failures failures = new Failures(label);
        List<X509Certificate> presented;
        try {
            presented = doc.presentedCertificates();
        } catch (IllegalArgumentException e) {
            return Failures.single(label, Check.SIGNATURE_FORMAT, e.getMessage());
        }
        if (presented.isEmpty()) {
            return Failures.single(label, Check.CERTIFICATE_CHAIN, "the bundle carries no certificate "
                    + "(verificationMaterial.certificate or a non-empty x509CertificateChain)");
        }
        // The bundle spec forbids the root in the chain, and trusting a presented root would let the bundle
        // pick its own trust anchor; sigstore-java 2.0.0 only rejects a root that differs from the trusted one.
        for (X509Certificate cert : presented) {
            if (cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal()) && presented.size() > 1) {
                failures.add(Check.CERTIFICATE_CHAIN, "the bundle's certificate chain includes a root CA certificate ("
                        + cert.getSubjectX500Principal().getName() + "); trust comes from the trusted root only");
            }
        }
        if (doc.isDsse()) {
            try {
                if (!Encodings.isAscii(doc.dssePayload())) {
                    // sigstore-java 2.0.0 computes the DSSE PAE length in UTF-16 chars, not bytes: a non-ASCII
                    // statement can never verify there. Fail closed with the reason instead of a misleading one.
                    failures.add(Check.SIGNATURE, "the DSSE payload contains non-ASCII bytes, which sigstore-java 2.0.0 "
                            + "cannot verify (its DSSE PAE counts UTF-16 characters, not bytes)");
                }
            } catch (IllegalArgumentException e) {
                failures.add(Check.SIGNATURE_FORMAT, e.getMessage());
            }
        }
        if (!"sha256".equals(artifact.algorithm())) {
            failures.add(Check.ARTIFACT_DIGEST, "Sigstore bundles are verified against sha256 digests; got " + artifact);
        }
        if (!failures.isEmpty()) {
            return failures.verdict();
        }
        Bundle bundle;
        try {
            bundle = Bundle.from(new InputStreamReader(new ByteArrayInputStream(bundleJson), StandardCharsets.UTF_8));
        } catch (BundleParseException | RuntimeException e) {
            SigstoreErrors.Mapped m = SigstoreErrors.parsing(e);
            return Failures.single(label, m.check(), m.message());
        }
        try {
            root.keyless().verify(artifact.bytes(), bundle, VerificationOptions.empty());
        } catch (KeylessVerificationException | RuntimeException e) {
            SigstoreErrors.Mapped m = SigstoreErrors.verification(e);
            return Failures.single(label, m.check(), m.message());
        }
        return afterSigstore(label, bundle, doc, root, failures);
    }

    private SignatureVerdict afterSigstore(String label, Bundle bundle, BundleDocument doc, LoadedRoot root,
            Failures failures) {
        X509Certificate leaf = Certificates.getLeaf(bundle.getCertPath());
        RekorEntry entry = bundle.getEntries().get(0);
        List<Instant> signingTimes = new ArrayList<>();
        if (entry.getIntegratedTime() > 0) {
            Instant integrated = entry.getIntegratedTimeInstant();
            signingTimes.add(integrated);
            try {
                leaf.checkValidity(Date.from(integrated));
            } catch (CertificateExpiredException | CertificateNotYetValidException e) {
                failures.add(Check.INTEGRATED_TIME, "the Rekor integrated time " + integrated
                        + " is outside the certificate's validity (" + leaf.getNotBefore().toInstant() + " to "
                        + leaf.getNotAfter().toInstant() + ")");
            }
        }
        for (Bundle.Timestamp ts : bundle.getTimestamps()) {
            try {
                signingTimes.add(ImmutableTimestampResponse.builder().encoded(ts.getRfc3161Timestamp()).build()
                        .getGenTime().toInstant());
            } catch (Exception e) {
                failures.add(Check.RFC3161_TIMESTAMP, "the RFC 3161 timestamp cannot be read: " + e.getMessage());
            }
        }
        times.checkNotInFuture(signingTimes, failures);
        List<X509Certificate> chain = new ArrayList<>();
        bundle.getCertPath().getCertificates().forEach(c -> chain.add((X509Certificate) c));
        AuthorityValidity.check(root.root(), chain, HexFormat.of().parseHex(entry.getLogID()), signingTimes, failures);
        SignerIdentity signer = null;
        try {
            signer = CertificateClaims.identityOf(leaf);
        } catch (IllegalArgumentException e) {
            failures.add(Check.SUBJECT, "the certificate carries no usable signer identity: " + e.getMessage());
        }
        String predicateType = null;
        if (bundle.getDsseEnvelope().isPresent()) {
            try {
                predicateType = InTotoStatement.parse(bundle.getDsseEnvelope().get().getPayload()).predicateType();
            } catch (IllegalArgumentException e) {
                failures.add(Check.SIGNATURE_FORMAT, e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            return failures.verdict();
        }
        return new SignatureVerdict.Valid(label, signer, evidence(label, bundle, entry), SigningTimes.first(signingTimes),
                predicateType);
    }

    private static Set<Evidence> evidence(String label, Bundle bundle, RekorEntry entry) {
        Set<Evidence> evidence = EnumSet.of(source(label), Evidence.CERTIFICATE_CHAIN, Evidence.SCT,
                Evidence.INCLUSION_PROOF);
        String set = entry.getVerification().getSignedEntryTimestamp();
        if (set != null && !set.isEmpty()) {
            evidence.add(Evidence.SIGNED_ENTRY_TIMESTAMP);
        }
        String checkpoint = entry.getVerification().getInclusionProof().getCheckpoint();
        if (checkpoint != null && !checkpoint.isEmpty()) {
            evidence.add(Evidence.CHECKPOINT);
        }
        if (!bundle.getTimestamps().isEmpty()) {
            evidence.add(Evidence.RFC3161_TIMESTAMP);
        }
        return evidence;
    }

    /** Labels starting with "referrer" (as the OCI discovery writes them) are referrers, anything else a file. */
    static Evidence source(String label) {
        return label != null && label.startsWith("referrer") ? Evidence.BUNDLE_REFERRER : Evidence.BUNDLE_FILE;
    }
}
