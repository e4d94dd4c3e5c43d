package io.fleetwarden.bench;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.HttpRegistryClient;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.RegistryClientConfig;
import io.fleetwarden.policy.Authority;
import io.fleetwarden.verify.ArtifactVerifier;
import io.fleetwarden.verify.VerificationResult;
import io.fleetwarden.verify.cosign.CosignSignatureVerifier;
import java.time.Duration;
import java.util.List;

/**
 * Cold {@code verify oci://} against the loopback registry: every iteration resolves the tag, discovers
 * signatures (referrers fallback index and legacy tag), fetches them and verifies them. No decision
 * cache exists at this layer. "New connection" builds a fresh client per iteration (a TCP connect and
 * HTTP setup each time); "kept-alive" shares one client, as the service does.
 */
final class OciBench {

    static void run(String name, OciReference ref, List<Authority> authorities, CosignSignatureVerifier signatures,
            int warmup, int iterations) throws Exception {
        HttpRegistryClient shared = new HttpRegistryClient(RegistryClientConfig.defaults());
        ArtifactVerifier keptAlive = new ArtifactVerifier(shared, signatures);
        check(keptAlive.verify(ref, authorities, deadline()), name);
        Stats alive = Stats.measure(warmup, iterations,
                () -> check(keptAlive.verify(ref, authorities, deadline()), name));
        Stats fresh = Stats.measure(warmup / 4, iterations / 2, () -> {
            try (HttpRegistryClient client = new HttpRegistryClient(RegistryClientConfig.defaults())) {
                check(new ArtifactVerifier(client, signatures).verify(ref, authorities, deadline()), name);
            }
        });
        shared.close();
        System.out.println(alive.row("verify oci:// " + name + ", kept-alive client"));
        System.out.println(fresh.row("verify oci:// " + name + ", new connection"));
        System.out.printf("%-58s p50 target <= 15 ms, p99 target <= 50 ms%n", "");
    }

    private static void check(VerificationResult r, String name) {
        if (!(r instanceof VerificationResult.Verified)) {
            throw new IllegalStateException(name + " did not verify: " + r);
        }
    }

    private static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(10));
    }

}
