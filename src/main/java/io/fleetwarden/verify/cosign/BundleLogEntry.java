package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstore.rekor.client.ImmutableInclusionProof;
import dev.sigstore.rekor.client.ImmutableRekorEntry;
import dev.sigstore.rekor.client.ImmutableVerification;
import dev.sigstore.rekor.client.RekorVerificationException;
import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.Evidence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * One {@code tlogEntries[]} element of a bundle we verify ourselves (key-based, and keyless DSSE). With an
 * inclusion proof it is handed to sigstore-java's {@code RekorVerifier} (SET if present, Merkle inclusion proof,
 * checkpoint signed by the log); with only a SET it is verified offline by {@link SignedEntryTimestamps}, unless
 * the caller requires the proof (keyless bundles: sigstore-java 2.0.0 requires it there, and the bundle spec
 * v0.2+ does). The body must describe this signature: {@code hashedrekord} 0.0.1 ({@link HashedRekordBody}) or
 * {@code dsse} 0.0.1 ({@link DsseLogBody}). Entries of a Rekor v2 log (version 0.0.2) go to {@link RekorV2Entry}:
 * their evidence and body are of another kind.
 */
final class BundleLogEntry {

    private BundleLogEntry() {
    }

    /** @param rekorV2 the entry is from a Rekor v2 log, so it has no integrated time by design */
    record Checked(Set<Evidence> evidence, Instant integratedTime, byte[] logId, boolean rekorV2) {
    }

    static Checked verify(JsonNode entry, LoadedRoot root, LoggedSignature expected, boolean requireProof,
            Failures f) {
        Set<Evidence> evidence = EnumSet.noneOf(Evidence.class);
        byte[] logId;
        String body = entry.path("canonicalizedBody").asText(null);
        try {
            logId = Encodings.base64("tlogEntries[0].logId.keyId", entry.path("logId").path("keyId").asText(null));
            Encodings.base64("tlogEntries[0].canonicalizedBody", body);
        } catch (IllegalArgumentException e) {
            f.add(Check.SIGNATURE_FORMAT, e.getMessage());
            return new Checked(evidence, null, null, false);
        }
        if (RekorV2Entry.isV2(entry)) {
            return RekorV2Entry.verify(entry, logId, Encodings.base64("canonicalizedBody", body), root, expected, f);
        }
        String logIdHex = HexFormat.of().formatHex(logId);
        long integratedTime = entry.path("integratedTime").asLong(0);
        long logIndex = entry.path("logIndex").asLong(0);
        String set = entry.path("inclusionPromise").path("signedEntryTimestamp").asText("");
        JsonNode proof = entry.path("inclusionProof");
        boolean logOk;
        if (!proof.isMissingNode()) {
            try {
                List<String> hashes = new ArrayList<>();
                for (JsonNode h : proof.path("hashes")) {
                    hashes.add(hex(h.asText()));
                }
                var inclusion = ImmutableInclusionProof.builder().logIndex(proof.path("logIndex").asLong())
                        .treeSize(proof.path("treeSize").asLong()).rootHash(hex(proof.path("rootHash").asText()))
                        .checkpoint(proof.path("checkpoint").path("envelope").asText("")).addAllHashes(hashes).build();
                var verification = ImmutableVerification.builder().inclusionProof(inclusion);
                if (!set.isEmpty()) {
                    verification.signedEntryTimestamp(set);
                }
                root.rekor().verifyEntry(ImmutableRekorEntry.builder().body(body).integratedTime(integratedTime)
                        .logID(logIdHex).logIndex(logIndex).verification(verification.build()).build());
                evidence.add(Evidence.INCLUSION_PROOF);
                evidence.add(Evidence.CHECKPOINT);
                logOk = true;
            } catch (RekorVerificationException | RuntimeException e) {
                f.add(Check.TLOG_ENTRY, "the transparency log entry does not verify against a Rekor log of the trusted "
                        + "root (sigstore-java: " + SigstoreErrors.detail(e) + ")");
                logOk = false;
            }
        } else if (requireProof) {
            f.add(Check.TLOG_ENTRY, "the log entry has no inclusion proof, which a keyless bundle needs (a SET alone "
                    + "is only accepted for key-based bundles and legacy signatures)");
            logOk = false;
        } else if (!set.isEmpty()) {
            SignedEntryTimestamps.Result r = SignedEntryTimestamps.verify(root.root().getTLogs(), body, integratedTime,
                    logIdHex, logIndex, Encodings.base64("signedEntryTimestamp", set));
            logOk = r.ok();
            if (!logOk) {
                f.add(Check.TLOG_ENTRY, r.failure());
            }
        } else {
            f.add(Check.TLOG_ENTRY, "the log entry has neither an inclusion proof nor a signed entry timestamp");
            logOk = false;
        }
        if (!set.isEmpty() && logOk) {
            evidence.add(Evidence.SIGNED_ENTRY_TIMESTAMP);
        }
        if (expected.dsse()) {
            DsseLogBody.check(body, expected, f);
        } else {
            HashedRekordBody.check(body, expected.loggedHash(), expected.signature(), expected.certificate(),
                    expected.key(), f);
        }
        return new Checked(evidence, logOk && integratedTime > 0 ? Instant.ofEpochSecond(integratedTime) : null, logId,
                false);
    }

    private static String hex(String base64) {
        return HexFormat.of().formatHex(Encodings.base64("inclusion proof hash", base64));
    }
}
