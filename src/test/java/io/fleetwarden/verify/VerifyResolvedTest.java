package io.fleetwarden.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.OciReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gate resolves the tag itself on every review; verifying what it resolved must not resolve again. */
class VerifyResolvedTest {

    private static final Digest DIGEST = Digest.sha256Of("artifact".getBytes(StandardCharsets.UTF_8));

    @Test
    void goesStraightToTheSignaturesOfTheGivenDigest() {
        // StubRegistry.resolve throws: a resolution here would fail the test instead of answering.
        ArtifactVerifier verifier = new ArtifactVerifier(new StubRegistry(), null);
        OciReference ref = OciReference.parse("registry.example/acme/app:latest").withDigest(DIGEST);

        VerificationResult result = verifier.verifyResolved(ref, List.of(), Deadline.after(Duration.ofSeconds(5)));

        assertThat(result).isInstanceOfSatisfying(VerificationResult.NotVerified.class, n -> assertThat(n.failures())
                .singleElement().satisfies(f -> assertThat(f.check()).isEqualTo(Check.SIGNATURE_PRESENT)));
    }

    @Test
    void refusesAReferenceWithoutADigest() {
        ArtifactVerifier verifier = new ArtifactVerifier(new StubRegistry(), null);

        assertThatThrownBy(() -> verifier.verifyResolved(OciReference.parse("registry.example/acme/app:latest"), List.of(),
                Deadline.after(Duration.ofSeconds(5)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("verifyResolved needs a reference with a digest, got registry.example/acme/app:latest");
    }
}
