package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstore.timestamp.client.ImmutableTimestampResponse;
import dev.sigstore.timestamp.client.TimestampException;
import dev.sigstore.timestamp.client.TimestampVerificationException;
import io.fleetwarden.verify.Check;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The RFC 3161 timestamps of a bundle we verify ourselves ({@code verificationMaterial.timestampVerificationData
 * .rfc3161Timestamps[].signedTimestamp}), checked as sigstore-java 2.0.0's {@code KeylessVerifier} does: the
 * token is signed by a TSA of the trusted root (sigstore-java's {@code TimestampVerifier}, which also checks that
 * the token's message imprint is the hash of the signature), and the signing certificate was valid at the
 * token's time. A timestamp that is present but does not verify fails the bundle: it is never just ignored.
 */
final class BundleTimestamps {

    private BundleTimestamps() {
    }

    /** @return the times of the timestamps that verified (the others are failures in {@code f}) */
    static List<Instant> verify(BundleDocument doc, LoadedRoot root, byte[] signature, X509Certificate leaf,
            Failures f) {
        List<Instant> times = new ArrayList<>();
        JsonNode tokens = doc.material().path("timestampVerificationData").path("rfc3161Timestamps");
        for (int i = 0; i < tokens.size(); i++) {
            String where = "timestampVerificationData.rfc3161Timestamps[" + i + "].signedTimestamp";
            try {
                byte[] encoded = Encodings.base64(where, tokens.get(i).path("signedTimestamp").asText(null));
                if (encoded.length == 0) {
                    f.add(Check.RFC3161_TIMESTAMP, where + " is empty");
                    continue;
                }
                var response = ImmutableTimestampResponse.builder().encoded(encoded).build();
                root.timestamps().verify(response, signature);
                Date genTime = response.getGenTime();
                leaf.checkValidity(genTime);
                times.add(genTime.toInstant());
            } catch (CertificateExpiredException | CertificateNotYetValidException e) {
                f.add(Check.RFC3161_TIMESTAMP, "the RFC 3161 timestamp time is outside the certificate's validity ("
                        + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant() + ")");
            } catch (TimestampException | TimestampVerificationException | RuntimeException e) {
                f.add(Check.RFC3161_TIMESTAMP, "the RFC 3161 timestamp does not verify against a TSA of the trusted "
                        + "root (sigstore-java: " + SigstoreErrors.detail(e) + ")");
            }
        }
        return times;
    }
}
