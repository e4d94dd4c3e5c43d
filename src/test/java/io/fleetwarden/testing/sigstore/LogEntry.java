package io.fleetwarden.testing.sigstore;

import java.util.List;

/**
 * One Rekor entry (v1, or v2 without SET and time) as a client receives it: the canonical body, its position and time, the SET
 * (inclusion promise) and the inclusion proof with its signed checkpoint.
 *
 * @param logIdHex   hex sha256 of the log's DER public key (the SET and the legacy bundle carry hex;
 *                   Sigstore bundles carry the same bytes in base64)
 * @param body       canonical JSON of the entry (hashedrekord or dsse 0.0.1)
 * @param integratedTime 0 for a Rekor v2 entry (those logs record no time)
 * @param set        signed entry timestamp: ECDSA over the RFC 8785 JSON of body/integratedTime/logID/logIndex;
 *                   null for a Rekor v2 entry
 * @param proofHashes audit path, leaf side first
 * @param checkpoint signed note of the tree head the proof leads to
 */
public record LogEntry(long logIndex, long integratedTime, String logIdHex, byte[] body, byte[] set, long treeSize,
        List<byte[]> proofHashes, byte[] rootHash, String checkpoint) {

    public LogEntry {
        proofHashes = List.copyOf(proofHashes);
    }

    public String bodyBase64() {
        return Crypto.b64(body);
    }
}
