package io.fleetwarden.bench;

import dev.sigstore.KeylessVerifier;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.strings.StringMatcher;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.verify.SignatureVerdict;
import io.fleetwarden.verify.TrustAnchor;
import io.fleetwarden.verify.cosign.CosignSignatureVerifier;
import io.fleetwarden.verify.cosign.TrustedRoots;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * One bundle, two verifiers, same run: fleetwarden's {@link CosignSignatureVerifier} (parse, full crypto,
 * our extra checks, identity extraction) against sigstore-java's {@code KeylessVerifier} (parse, full
 * crypto, identity matching), each from the bundle's JSON bytes, so both pay the parse.
 */
final class BundleBench {

    record Case(String name, byte[] bundleJson, byte[] trustedRoot, Digest digest, String identity, String issuer) {
    }

    static void run(Case c, int warmup, int iterations) throws Exception {
        CosignSignatureVerifier ours = new CosignSignatureVerifier(TrustedRoots.empty().add("bench", c.trustedRoot()),
                Clock.systemUTC());
        TrustAnchor anchor = TrustAnchor.keyless("bench");
        SigstoreTrustedRoot root = SigstoreTrustedRoot.from(new ByteArrayInputStream(c.trustedRoot()));
        KeylessVerifier raw = KeylessVerifier.builder().trustedRootProvider(() -> root).build();
        VerificationOptions options = VerificationOptions.builder().addCertificateMatchers(
                VerificationOptions.CertificateMatcher.fulcio().subjectAlternativeName(StringMatcher.string(c.identity()))
                        .issuer(StringMatcher.string(c.issuer())).build()).build();
        String json = new String(c.bundleJson(), StandardCharsets.UTF_8);
        byte[] digest = c.digest().bytes();

        SignatureVerdict check = ours.verifyBundle("bench", c.bundleJson(), c.digest(), anchor);
        if (!(check instanceof SignatureVerdict.Valid)) {
            throw new IllegalStateException(c.name() + ": our verifier rejects the benchmark bundle: " + check);
        }
        raw.verify(digest, Bundle.from(new StringReader(json)), options);

        // Interleave rounds so JIT and GC state affect both sides alike.
        Stats oursStats = new Stats(iterations);
        Stats rawStats = new Stats(iterations);
        Stats.measure(warmup, 1, () -> ours.verifyBundle("bench", c.bundleJson(), c.digest(), anchor));
        Stats.measure(warmup, 1, () -> raw.verify(digest, Bundle.from(new StringReader(json)), options));
        for (int i = 0; i < iterations; i++) {
            long t = System.nanoTime();
            ours.verifyBundle("bench", c.bundleJson(), c.digest(), anchor);
            oursStats.add(System.nanoTime() - t);
            t = System.nanoTime();
            raw.verify(digest, Bundle.from(new StringReader(json)), options);
            rawStats.add(System.nanoTime() - t);
        }
        System.out.println(oursStats.row("fleetwarden CosignSignatureVerifier: " + c.name()));
        System.out.println(rawStats.row("sigstore-java KeylessVerifier:        " + c.name()));
        System.out.printf("%-58s p50 %.2fx   p99 %.2fx   (target <= 1.3x)%n", "ratio ours/raw: " + c.name(),
                oursStats.percentileMs(50) / rawStats.percentileMs(50), oursStats.percentileMs(99) / rawStats.percentileMs(99));
    }
}
