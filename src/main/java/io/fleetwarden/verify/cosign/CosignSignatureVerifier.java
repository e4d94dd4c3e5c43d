package io.fleetwarden.verify.cosign;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.LegacySignature;
import io.fleetwarden.verify.SignatureVerdict;
import io.fleetwarden.verify.SignatureVerifier;
import io.fleetwarden.verify.TrustAnchor;
import java.time.Clock;
import java.util.Optional;

/**
 * The Sigstore adapter of {@link SignatureVerifier}: cosign legacy {@code .sig} layers and Sigstore bundles,
 * verified fully offline against the {@link TrustedRoots} it was given. Never throws for bad input: every
 * problem becomes a {@link SignatureVerdict.Invalid} naming the failed {@link Check}s.
 *
 * <ul>
 * <li>Keyless bundles: DSSE envelopes verified here with sigstore-java's chain, SCT, log and timestamp
 * verifiers ({@link KeylessDsseVerification}); message signatures by sigstore-java 2.0.0 plus the checks it
 * misses ({@link KeylessBundleVerification}).</li>
 * <li>Key-based bundles ({@code verificationMaterial.publicKey}, refused by sigstore-java): verified here with
 * the anchor's key ({@link KeyBundleVerification}).</li>
 * <li>Legacy {@code .sig} layers: simple-signing payload, signature, certificate chain and SCT, and the Rekor
 * SET, all offline ({@link LegacyVerification}); no online Rekor lookup is ever made.</li>
 * </ul>
 *
 * <p>Bundle labels starting with {@code "referrer"} are reported as {@link io.fleetwarden.verify.Evidence#BUNDLE_REFERRER}
 * evidence, any other as {@link io.fleetwarden.verify.Evidence#BUNDLE_FILE}.
 */
public final class CosignSignatureVerifier implements SignatureVerifier {

    /** Upper bound for a bundle document; real bundles are 5–15 KiB. */
    public static final int MAX_BUNDLE_BYTES = 1 << 20;

    private final TrustedRoots roots;
    private final KeylessBundleVerification keyless;
    private final KeyBundleVerification keyBased;
    private final LegacyVerification legacy;

    public CosignSignatureVerifier(TrustedRoots roots, Clock clock) {
        this.roots = roots;
        SigningTimes times = new SigningTimes(clock);
        this.keyless = new KeylessBundleVerification(times);
        this.keyBased = new KeyBundleVerification(times);
        this.legacy = new LegacyVerification(times);
    }

    @Override
    public SignatureVerdict verifyBundle(String label, byte[] bundleJson, Digest artifact, TrustAnchor anchor) {
        try {
            if (bundleJson == null || bundleJson.length == 0) {
                return Failures.single(label, Check.SIGNATURE_FORMAT, "the bundle is empty");
            }
            if (bundleJson.length > MAX_BUNDLE_BYTES) {
                return Failures.single(label, Check.SIGNATURE_FORMAT, "the bundle is larger than " + MAX_BUNDLE_BYTES
                        + " bytes (" + bundleJson.length + ")");
            }
            BundleDocument doc;
            try {
                doc = BundleDocument.parse(bundleJson);
            } catch (IllegalArgumentException e) {
                return Failures.single(label, Check.SIGNATURE_FORMAT, e.getMessage());
            }
            if (doc.isDsse() && doc.json().has("messageSignature")) {
                // The bundle content is a oneof; with both, which one was logged and verified would be ambiguous.
                return Failures.single(label, Check.SIGNATURE_FORMAT, "the bundle has both a messageSignature and "
                        + "a dsseEnvelope; exactly one is allowed");
            }
            Optional<LoadedRoot> root = roots.find(anchor.trustedRoot());
            if (anchor.isKeyBased()) {
                return keyBased.verify(label, doc, artifact, anchor, root.orElse(null));
            }
            if (doc.hasPublicKey()) {
                return Failures.single(label, Check.KEY, "the bundle is signed with a public key, but the trust anchor "
                        + "is keyless (a Fulcio certificate is required)");
            }
            if (root.isEmpty()) {
                return Failures.single(label, Check.CERTIFICATE_CHAIN, unknownRoot(anchor));
            }
            return keyless.verify(label, bundleJson, doc, artifact, root.get());
        } catch (RuntimeException e) {
            // Defensive: a library bug must not turn bad input into an exception for the caller.
            return Failures.single(label, Check.SIGNATURE_FORMAT, "the bundle cannot be verified: "
                    + SigstoreErrors.detail(e));
        }
    }

    @Override
    public SignatureVerdict verifyLegacy(LegacySignature signature, Digest artifact, TrustAnchor anchor) {
        try {
            Optional<LoadedRoot> root = roots.find(anchor.trustedRoot());
            if (!anchor.isKeyBased() && root.isEmpty()) {
                return Failures.single(signature.label(), Check.CERTIFICATE_CHAIN, unknownRoot(anchor));
            }
            return legacy.verify(signature, artifact, anchor, root.orElse(null));
        } catch (RuntimeException e) {
            return Failures.single(signature.label(), Check.SIGNATURE_FORMAT, "the signature cannot be verified: "
                    + SigstoreErrors.detail(e));
        }
    }

    /**
     * A root that is not loaded (a typo, a ConfigMap that is missing or holds no valid root) fails the
     * certificate chain, so the signature is not verified and an Enforce policy denies; it is never
     * {@code Unavailable}. Both fail closed; a denial is the right answer because retrying cannot fix a
     * platform misconfiguration, and its message says what is wrong (the ConfigMap or Secret, the key, the
     * parse error) where the person applying the source sees it. Cached denials expire quickly, and a root
     * change starts a new policy generation, so a fixed root is used at once.
     */
    private String unknownRoot(TrustAnchor anchor) {
        return roots.unavailable(anchor.trustedRoot()).orElse("trusted root \"" + anchor.trustedRoot()
                + "\" is not loaded");
    }
}
