package io.fleetwarden.bench;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.sigstore.LegacySigned;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.testing.sigstore.SigningRequest;
import io.fleetwarden.verify.LegacySignature;
import io.fleetwarden.verify.SignatureVerdict;
import io.fleetwarden.verify.TrustAnchor;
import java.util.ArrayList;
import java.util.List;

/**
 * One signature through {@code CosignSignatureVerifier} alone (no registry): the DSSE bundle path and the legacy
 * {@code .sig} path side by side, interleaved round by round, both with the local Sigstore's Fulcio-like P-384
 * chain. "warm" verifies the same signature again (what every re-verification of an artifact does); "first sight"
 * verifies signatures never seen before, each once, so no cached chain link helps but the leaf's.
 */
final class SignatureBench {

    private SignatureBench() {
    }

    /** Just this part of {@code VerifyBench}, no registry: {@code bench/run signatures [iterations]}. */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        LocalSigstore sigstore = LocalSigstore.create();
        Digest digest = Digest.sha256Of("bench manifest".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var verifier = new io.fleetwarden.verify.cosign.CosignSignatureVerifier(io.fleetwarden.verify.cosign.TrustedRoots
                .empty().add("local", sigstore.trustedRootJson()), java.time.Clock.systemUTC());
        run(verifier, sigstore.signBundleDsse(digest.toString(), SigningRequest.github()), digest,
                sigstore.signLegacy(digest.toString(), "registry.test/bench/apps", SigningRequest.github()), digest,
                n / 3, n);
        firstSight(verifier, sigstore, digest, "registry.test/bench/apps", 200);
        System.exit(0);
    }

    static void run(io.fleetwarden.verify.cosign.CosignSignatureVerifier verifier, byte[] bundle, Digest bundleDigest,
            LegacySigned legacy, Digest legacyDigest, int warmup, int iterations) throws Exception {
        TrustAnchor anchor = TrustAnchor.keyless("local");
        LegacySignature layer = legacy.toLegacySignature("legacy layer 0");
        check(verifier.verifyBundle("referrer", bundle, bundleDigest, anchor));
        check(verifier.verifyLegacy(layer, legacyDigest, anchor));
        for (int i = 0; i < warmup; i++) {
            verifier.verifyBundle("referrer", bundle, bundleDigest, anchor);
            verifier.verifyLegacy(layer, legacyDigest, anchor);
        }
        Stats dsse = new Stats(iterations);
        Stats sig = new Stats(iterations);
        for (int i = 0; i < iterations; i++) {
            long t = System.nanoTime();
            verifier.verifyBundle("referrer", bundle, bundleDigest, anchor);
            dsse.add(System.nanoTime() - t);
            t = System.nanoTime();
            verifier.verifyLegacy(layer, legacyDigest, anchor);
            sig.add(System.nanoTime() - t);
        }
        System.out.println(dsse.row("one signature, warm: DSSE bundle (P-384 chain)"));
        System.out.println(sig.row("one signature, warm: legacy .sig (P-384 chain)"));
    }

    /** Verifies {@code count} legacy signatures never seen before, each once (signing them is not measured). */
    static void firstSight(io.fleetwarden.verify.cosign.CosignSignatureVerifier verifier, LocalSigstore sigstore,
            Digest digest, String reference, int count) {
        TrustAnchor anchor = TrustAnchor.keyless("local");
        List<LegacySignature> fresh = new ArrayList<>();
        List<byte[]> bundles = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            fresh.add(sigstore.signLegacy(digest.toString(), reference, SigningRequest.github()).toLegacySignature("l"));
            bundles.add(sigstore.signBundleDsse(digest.toString(), SigningRequest.github()));
        }
        Stats sig = new Stats(count);
        Stats dsse = new Stats(count);
        for (int i = 0; i < count; i++) {
            long t = System.nanoTime();
            check(verifier.verifyBundle("referrer", bundles.get(i), digest, anchor));
            dsse.add(System.nanoTime() - t);
            t = System.nanoTime();
            check(verifier.verifyLegacy(fresh.get(i), digest, anchor));
            sig.add(System.nanoTime() - t);
        }
        System.out.println(dsse.row("one signature, first sight: DSSE bundle"));
        System.out.println(sig.row("one signature, first sight: legacy .sig"));
    }

    private static void check(SignatureVerdict verdict) {
        if (!(verdict instanceof SignatureVerdict.Valid)) {
            throw new IllegalStateException("the bench signature does not verify: " + verdict);
        }
    }
}
