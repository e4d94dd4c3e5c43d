package io.fleetwarden.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Descriptor;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.Manifest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How discovery spends registry round trips; what it finds is covered against a real registry elsewhere. */
class SignatureDiscoveryTest {

    private static final OciReference REF = OciReference.parse("registry.example/acme/app:latest");
    private static final Digest DIGEST = Digest.sha256Of("artifact".getBytes(StandardCharsets.UTF_8));

    @Test
    void asksForTheLegacyTagWhileTheReferrersAreStillBeingListed() throws Exception {
        // The referrers listing only answers once the legacy tag has been asked for: discovery that waited for
        // one before starting the other would never get here and time out instead.
        CountDownLatch legacyAsked = new CountDownLatch(1);
        RegistryClient registry = new StubRegistry() {
            @Override
            public List<Descriptor> referrers(OciReference ref, Digest subject, String type, Deadline deadline)
                    throws RegistryException {
                await(legacyAsked);
                return List.of();
            }

            @Override
            public Optional<Manifest> manifestByTag(OciReference ref, String tag, Deadline deadline) {
                assertThat(tag).isEqualTo(DIGEST.asTagPrefix() + ".sig");
                legacyAsked.countDown();
                return Optional.empty();
            }
        };

        SignatureDiscovery.Found found = new SignatureDiscovery(registry).discover(REF, DIGEST,
                Deadline.after(Duration.ofSeconds(10)));

        assertThat(found.signatures()).isEmpty();
    }

    @Test
    void aFailedLegacyReadFailsDiscoveryWithItsOwnError() {
        RegistryClient registry = new StubRegistry() {
            @Override
            public Optional<Manifest> manifestByTag(OciReference ref, String tag, Deadline deadline) throws RegistryException {
                throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "read tag " + tag + ": HTTP 503");
            }
        };

        assertThatThrownBy(() -> new SignatureDiscovery(registry).discover(REF, DIGEST, Deadline.after(Duration.ofSeconds(10))))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAVAILABLE))
                .hasMessage("read tag " + DIGEST.asTagPrefix() + ".sig: HTTP 503");
    }

    @Test
    void aListedReferrerTheRegistryCannotServeIsSkippedButNothingElseVerifyingIsUnavailable() {
        // A referrer that could not be read because the registry failed might have been the valid signature:
        // the answer is "could not decide" (503), never "not signed" (403).
        Digest listed = Digest.sha256Of("referrer".getBytes(StandardCharsets.UTF_8));
        RegistryClient registry = new StubRegistry() {
            @Override
            public List<Descriptor> referrers(OciReference ref, Digest subject, String type, Deadline deadline) {
                return List.of(Descriptor.of("application/vnd.oci.image.manifest.v1+json", listed, 100));
            }

            @Override
            public Manifest manifest(OciReference ref, Digest digest, Deadline deadline) throws RegistryException {
                throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "GET manifest " + digest + ": HTTP 503");
            }
        };
        VerificationResult r = new ArtifactVerifier(registry, null).verifyResolved(REF.withDigest(DIGEST), List.of(),
                Deadline.after(Duration.ofSeconds(10)));
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Unavailable.class, u -> assertThat(u.reason())
                .contains("referrer " + listed + ": could not be read (unavailable): GET manifest " + listed
                        + ": HTTP 503"));
    }

    @Test
    void aLegacyReadStillRunningAtTheDeadlineIsATimeout() {
        CountDownLatch never = new CountDownLatch(1);
        RegistryClient registry = new StubRegistry() {
            @Override
            public Optional<Manifest> manifestByTag(OciReference ref, String tag, Deadline deadline) throws RegistryException {
                await(never);
                return Optional.empty();
            }
        };

        assertThatThrownBy(() -> new SignatureDiscovery(registry).discover(REF, DIGEST, Deadline.after(Duration.ofMillis(200))))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.TIMEOUT))
                .hasMessage("deadline exceeded during read tag " + DIGEST.asTagPrefix() + ".sig of registry.example/acme/app");
    }

    private static void await(CountDownLatch latch) throws RegistryException {
        try {
            if (!latch.await(5, TimeUnit.SECONDS)) {
                throw new RegistryException(RegistryException.Kind.TIMEOUT, "the stub waited 5 s in vain");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.TIMEOUT, "interrupted");
        }
    }
}
