package io.fleetwarden.bench;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.policy.Authority;
import io.fleetwarden.policy.KeylessAuthority;
import io.fleetwarden.policy.StringMatch;
import io.fleetwarden.policy.TagRefBinding;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.testing.sigstore.SigningRequest;
import io.fleetwarden.verify.cosign.CosignSignatureVerifier;
import io.fleetwarden.verify.cosign.TrustedRoots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * The verification benchmarks of docs/benchmarks.md, as a plain main (run by {@code bench/run} on each
 * JDK): bundle verification against raw sigstore-java on the same bundles, then cold
 * {@code verify oci://} against a real registry on loopback.
 *
 * <p>Arguments: {@code [iterations]} (default 3000 for bundles; a fifth of that for registry rounds).
 */
public final class VerifyBench {

    static final Path CONFORMANCE = Path.of("..", "shared", "fixtures", "sigstore-conformance");
    static final String BEACON = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/"
            + ".github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    static final String ACTIONS = "https://token.actions.githubusercontent.com";

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        System.out.println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), "
                + Runtime.getRuntime().availableProcessors() + " cpus");
        byte[] publicGood = Files.readAllBytes(CONFORMANCE.resolve("offline-trust/trusted_root.public-good.json"));
        Path cases = CONFORMANCE.resolve("test/assets/bundle-verify");
        Digest aTxt = Digest.sha256Of(Files.readAllBytes(cases.resolve("a.txt")));
        BundleBench.run(new BundleBench.Case("public-good v0.3 message signature (conformance happy-path-v0.3)",
                Files.readAllBytes(cases.resolve("happy-path-v0.3/bundle.sigstore.json")), publicGood, aTxt, BEACON, ACTIONS),
                n / 3, n);
        BundleBench.run(new BundleBench.Case("public-good DSSE in-toto (conformance happy-path-intoto-in-dsse-v3)",
                Files.readAllBytes(cases.resolve("happy-path-intoto-in-dsse-v3/bundle.sigstore.json")), publicGood, aTxt,
                BEACON, ACTIONS), n / 3, n);

        LocalSigstore sigstore = LocalSigstore.create();
        try (TestRegistry registry = TestRegistry.start(null);
                SignedArtifacts artifacts = new SignedArtifacts(registry, sigstore)) {
            String repo = "bench/apps/frontend";
            Digest d = artifacts.publish(repo, "latest");
            byte[] bundle = artifacts.signBundle(repo, d, SigningRequest.github());
            BundleBench.run(new BundleBench.Case("local DSSE cosign sign predicate (OCI referrer bundle)", bundle,
                    sigstore.trustedRootJson(), d, "https://github.com/acme/fleet/.github/workflows/push-artifact.yaml@refs/heads/main",
                    ACTIONS), n / 3, n);

            String legacyRepo = "bench/apps/monitoring";
            Digest legacy = artifacts.publish(legacyRepo, "latest");
            artifacts.signLegacy(legacyRepo, legacy, SigningRequest.github());
            CosignSignatureVerifier signatures = new CosignSignatureVerifier(
                    TrustedRoots.empty().add("local", sigstore.trustedRootJson()), Clock.systemUTC());
            SignatureBench.run(signatures, bundle, d, sigstore.signLegacy(legacy.toString(),
                    registry.host() + "/" + legacyRepo, SigningRequest.github()), legacy, n / 3, n);
            SignatureBench.firstSight(signatures, sigstore, legacy, registry.host() + "/" + legacyRepo, 200);
            List<Authority> authorities = List.of(new KeylessAuthority("staging", "local", Authority.COSIGN_SIGN_PREDICATE,
                    StringMatch.exact(ACTIONS), null, "https://github.com/acme/fleet", ".github/workflows/push-artifact.yaml",
                    List.of("refs/heads/main"), Set.of("push"), "github-hosted", TagRefBinding.D2_DEFAULT));
            OciBench.run("bundle referrer", OciReference.parse("oci://" + registry.host() + "/" + repo + ":latest"),
                    authorities, signatures, n / 10, n / 5);
            OciBench.run("legacy .sig", OciReference.parse("oci://" + registry.host() + "/" + legacyRepo + ":latest"),
                    authorities, signatures, n / 10, n / 5);
        }
        System.exit(0);
    }
}
