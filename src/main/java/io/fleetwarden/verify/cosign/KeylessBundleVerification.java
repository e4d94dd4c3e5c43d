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
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * A keyless (Fulcio certificate) bundle. Checks common to both kinds come first: a certificate is presented, no
 * root CA in the presented chain, a sha256 artifact digest. Then:
 *
 * <ul>
 * <li>DSSE envelopes: ALL of them are verified by {@link KeylessDsseVerification}, not by sigstore-java 2.0.0.
 * 2.0.0 cannot parse the statement cosign v3 {@code sign} writes (subject without {@code name}) and cannot verify
 * a non-ASCII statement (UTF-16 PAE length). Routing only the bundles it fails on to our code would give two
 * behaviours for one format, chosen by a library error message, and the fallback would be the path real cosign
 * v3 signatures take anyway; one path is simpler to reason about and to test. Nothing is lost: 2.0.0's DSSE
 * checks are all made there, plus ours.</li>
 * <li>Message signatures ({@code cosign sign-blob}): sigstore-java's {@link dev.sigstore.KeylessVerifier} does
 * the cryptography (chain, SCT, signature, log body, RFC 3161 timestamps, SET/inclusion proof/checkpoint),
 * without identity matchers (identity policy is the caller's), and then the checks 2.0.0 misses are made here:
 * integrated time within the certificate's validity, signing time within the trusted root's authority windows
 * and not in the future.</li>
 * </ul>
 */
final class KeylessBundleVerification {

    private final SigningTimes times;
    private final KeylessDsseVerification dsse;

    KeylessBundleVerification(SigningTimes times) {
        this.times = times;
        this.dsse = new KeylessDsseVerification(times);
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
        if (!"sha256".equals(artifact.algorithm())) {
            failures.add(Check.ARTIFACT_DIGEST, "Sigstore bundles are verified against sha256 digests; got " + artifact);
        }
        if (!failures.isEmpty()) {
            return failures.verdict();
        }
        if (doc.isDsse()) {
            return dsse.verify(label, doc, presented, artifact, root);
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
        return afterSigstore(label, bundle, root, failures);
    }

    private SignatureVerdict afterSigstore(String label, Bundle bundle, LoadedRoot root,
            Failures failures) {
        X509Certificate leaf = Certificates.getLeaf(bundle.getCertPath());
        RekorEntry entry = bundle.getEntries().get(0);
        List<Instant> signingTimes = new ArrayList<>();
        if (entry.getIntegratedTime() > 0) {
            Instant integrated = entry.getIntegratedTimeInstant();
            signingTimes.add(integrated);
            SigningTimes.checkIntegratedTime(leaf, integrated, failures);
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
        SignerIdentity signer = CertificateClaims.identityOf(leaf, failures);
        if (!failures.isEmpty()) {
            return failures.verdict();
        }
        return new SignatureVerdict.Valid(label, signer, evidence(label, bundle, entry), SigningTimes.first(signingTimes),
                null);
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
