package io.fleetwarden.verify.cosign;

import static io.fleetwarden.verify.cosign.LegacyVerificationTest.failures;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.CheckFailure;
import io.fleetwarden.verify.SignatureVerdict;
import io.fleetwarden.verify.TrustAnchor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The sigstore-conformance DSSE cases through our own keyless DSSE path: each must fail for its real reason (the
 * conformance suite only asserts "invalid"), and RFC 3161 timestamps of a real Sigstore TSA must verify.
 */
class KeylessDsseFixturesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static SignatureVerdict verify(String name, byte[] bundle) throws Exception {
        Path dir = SigstoreConformanceTest.ASSETS.resolve(name);
        Path artifact = Files.exists(dir.resolve("artifact")) ? dir.resolve("artifact")
                : SigstoreConformanceTest.ASSETS.resolve("a.txt");
        TrustedRoots roots = Files.exists(dir.resolve("trusted_root.json"))
                ? TrustedRoots.empty().add(TrustAnchor.PUBLIC_GOOD, Files.readAllBytes(dir.resolve("trusted_root.json")))
                : TrustedRoots.withPublicGood();
        return new CosignSignatureVerifier(roots, Clock.systemUTC()).verifyBundle(name, bundle,
                Digest.sha256Of(Files.readAllBytes(artifact)), TrustAnchor.keyless(TrustAnchor.PUBLIC_GOOD));
    }

    private static byte[] bundle(String name) throws Exception {
        return Files.readAllBytes(SigstoreConformanceTest.ASSETS.resolve(name).resolve("bundle.sigstore.json"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            dsse-invalid-sig_fail                 | SIGNATURE,TLOG_BODY
            dsse-mismatch-sig_fail                | TLOG_BODY
            intoto-log-entry-mismatch_fail        | TLOG_ENTRY,TLOG_BODY
            rekor2-dsse-mismatch-envelope_fail    | TLOG_BODY
            """)
    void conformanceDsseCasesFailForTheirReason(String name, String checks) throws Exception {
        Check[] expected = java.util.Arrays.stream(checks.split(",")).map(Check::valueOf).toArray(Check[]::new);

        assertThat(failures(verify(name, bundle(name)))).extracting(CheckFailure::check)
                .containsExactlyInAnyOrder(expected);
    }

    @Test
    void happyPathIsValidWithThePredicateTypeOfTheStatement() throws Exception {
        SignatureVerdict verdict = verify("happy-path-intoto-in-dsse-v3", bundle("happy-path-intoto-in-dsse-v3"));

        assertThat(verdict).isInstanceOfSatisfying(SignatureVerdict.Valid.class,
                v -> assertThat(v.predicateType()).isEqualTo("https://slsa.dev/provenance/v1"));
    }

    @Test
    void aTamperedTimestampTokenIsRejected() throws Exception {
        // rekor2-dsse-mismatch-envelope_fail carries a staging TSA token over its envelope signature, which
        // verifies (no RFC3161_TIMESTAMP above); one flipped byte of the token's signature must not.
        String name = "rekor2-dsse-mismatch-envelope_fail";
        ObjectNode doc = (ObjectNode) JSON.readTree(bundle(name));
        ObjectNode token = (ObjectNode) doc.path("verificationMaterial").path("timestampVerificationData")
                .path("rfc3161Timestamps").get(0);
        byte[] der = Base64.getDecoder().decode(token.path("signedTimestamp").asText());
        der[der.length - 5] ^= 1;
        token.put("signedTimestamp", Base64.getEncoder().encodeToString(der));

        assertThat(failures(verify(name, JSON.writeValueAsBytes(doc)))).extracting(CheckFailure::check)
                .contains(Check.RFC3161_TIMESTAMP);
    }
}
