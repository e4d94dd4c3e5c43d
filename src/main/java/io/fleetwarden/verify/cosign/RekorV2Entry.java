package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstore.merkle.InclusionProofVerificationException;
import dev.sigstore.merkle.InclusionProofVerifier;
import dev.sigstore.trustroot.TransparencyLog;
import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.Evidence;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A bundle's {@code tlogEntries[]} element written by a Rekor v2 log (rekor-tiles), which cosign v3 uses with
 * {@code --with-default-rekor-v2}. Such a log issues no SET and no integrated time: its only evidence is the
 * inclusion proof up to a checkpoint it signed, so that is required and verified here (RFC 6962 leaf hash of the
 * canonicalized body, audit path to the root hash, {@link LogCheckpoint} signed by the log key of the trusted
 * root). An entry that claims an integrated time or a SET anyway is refused: nothing signed it, so it could only
 * mislead. The signing time must then come from an RFC 3161 timestamp (see {@link KeylessDsseVerification}).
 * Entry kinds accepted: {@code dsse} 0.0.2 ({@link DsseV2LogBody}).
 */
final class RekorV2Entry {

    static final String VERSION = "0.0.2";

    private RekorV2Entry() {
    }

    /**
     * Rekor v2 entries are told apart by the kind and version the bundle records: v1 logs never wrote dsse or
     * hashedrekord 0.0.2 (but did write intoto 0.0.2, which stays a v1 entry).
     */
    static boolean isV2(JsonNode entry) {
        String kind = entry.path("kindVersion").path("kind").asText();
        return VERSION.equals(entry.path("kindVersion").path("version").asText())
                && ("dsse".equals(kind) || "hashedrekord".equals(kind));
    }

    static BundleLogEntry.Checked verify(JsonNode entry, byte[] logId, byte[] body, LoadedRoot root,
            LoggedSignature expected, Failures f) {
        Set<Evidence> evidence = EnumSet.noneOf(Evidence.class);
        String kind = entry.path("kindVersion").path("kind").asText();
        if (!expected.dsse() || !"dsse".equals(kind)) {
            f.add(Check.TLOG_BODY, "a Rekor v2 \"" + kind + "\" entry is not accepted for this signature (accepted: "
                    + "dsse 0.0.2 for a DSSE envelope)");
            return new BundleLogEntry.Checked(evidence, null, logId, true);
        }
        boolean logOk = verifyLog(entry, logId, body, root, f);
        if (logOk) {
            evidence.add(Evidence.INCLUSION_PROOF);
            evidence.add(Evidence.CHECKPOINT);
        }
        DsseV2LogBody.check(body, expected, f);
        return new BundleLogEntry.Checked(evidence, null, logId, true);
    }

    private static boolean verifyLog(JsonNode entry, byte[] logId, byte[] body, LoadedRoot root, Failures f) {
        if (entry.path("integratedTime").asLong(0) != 0 || entry.has("inclusionPromise")) {
            f.add(Check.TLOG_ENTRY, "the Rekor v2 entry claims an integrated time or a signed entry timestamp, which "
                    + "Rekor v2 logs do not issue");
            return false;
        }
        Optional<TransparencyLog> log = TransparencyLog.find(root.root().getTLogs(), logId);
        if (log.isEmpty()) {
            f.add(Check.TLOG_ENTRY, "the log entry's log id matches no transparency log of the trusted root");
            return false;
        }
        JsonNode proof = entry.path("inclusionProof");
        if (proof.isMissingNode()) {
            f.add(Check.TLOG_ENTRY, "the Rekor v2 entry has no inclusion proof, its only log evidence");
            return false;
        }
        try {
            long index = proof.path("logIndex").asLong(-1);
            long size = proof.path("treeSize").asLong(-1);
            if (index < 0 || size <= index || index != entry.path("logIndex").asLong(-2)) {
                f.add(Check.TLOG_ENTRY, "the inclusion proof's log index " + proof.path("logIndex").asText()
                        + " and tree size " + proof.path("treeSize").asText() + " do not fit the entry's index "
                        + entry.path("logIndex").asText());
                return false;
            }
            byte[] rootHash = Encodings.base64("inclusionProof.rootHash", proof.path("rootHash").asText(null));
            List<byte[]> hashes = new ArrayList<>();
            for (JsonNode h : proof.path("hashes")) {
                hashes.add(Encodings.base64("inclusionProof.hashes[]", h.asText(null)));
            }
            byte[] leaf = new byte[body.length + 1]; // RFC 6962 leaf hash: sha256(0x00 || entry)
            System.arraycopy(body, 0, leaf, 1, body.length);
            InclusionProofVerifier.verify(Encodings.sha256(leaf), index, size, hashes, rootHash);
            String checkpoint = LogCheckpoint.verify(proof.path("checkpoint").path("envelope").asText(""), log.get(),
                    size, rootHash);
            if (checkpoint != null) {
                f.add(Check.TLOG_ENTRY, checkpoint);
                return false;
            }
            return true;
        } catch (InclusionProofVerificationException e) {
            f.add(Check.TLOG_ENTRY, "the inclusion proof does not lead to its root hash: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            f.add(Check.TLOG_ENTRY, e.getMessage());
        }
        return false;
    }
}
