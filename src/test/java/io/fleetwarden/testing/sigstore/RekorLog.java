package io.fleetwarden.testing.sigstore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;

/**
 * A Rekor v1 log: entries go into an RFC 6962 tree; each append returns the SET and an inclusion proof with a
 * checkpoint, signed the way rekor.sigstore.dev signs them. The checkpoint's signer name is the host of the
 * log's base URL, because that is how sigstore-java picks the signature line to check.
 */
final class RekorLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyPair key;
    private final String host;
    private final String origin;
    private final byte[] logId;
    private final String logIdHex;
    private final MerkleTree tree = new MerkleTree();

    RekorLog(KeyPair key, String host, long treeId) {
        this.key = key;
        this.host = host;
        this.origin = host + " - " + treeId;
        this.logId = Crypto.keyId(key.getPublic());
        this.logIdHex = Crypto.hex(logId);
    }

    PublicKey publicKey() {
        return key.getPublic();
    }

    String host() {
        return host;
    }

    String logIdHex() {
        return logIdHex;
    }

    LogEntry append(byte[] body, long integratedTime) {
        return append(body, integratedTime, null, null);
    }

    /**
     * Appends honestly but lets a tamper case sign the SET or the checkpoint with a key the verifier does not
     * trust; null means the log's own key.
     */
    LogEntry append(byte[] body, long integratedTime, PrivateKey setKey, PrivateKey checkpointKey) {
        setKey = setKey == null ? key.getPrivate() : setKey;
        checkpointKey = checkpointKey == null ? key.getPrivate() : checkpointKey;
        MerkleTree.Inclusion inclusion = tree.append(body);
        byte[] set = Crypto.sign(setKey, setContent(body, integratedTime, inclusion.index()));
        String checkpoint = checkpoint(inclusion.treeSize(), inclusion.rootHash(), checkpointKey);
        return new LogEntry(inclusion.index(), integratedTime, logIdHex, body, set, inclusion.treeSize(),
                inclusion.hashes(), inclusion.rootHash(), checkpoint);
    }

    /** What the SET signs: RFC 8785 JSON of {body (base64), integratedTime, logID (hex), logIndex}. */
    byte[] setContent(byte[] body, long integratedTime, long logIndex) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("body", Crypto.b64(body));
        payload.put("integratedTime", integratedTime);
        payload.put("logID", logIdHex);
        payload.put("logIndex", logIndex);
        return Crypto.canonicalJson(payload.toString());
    }

    /**
     * A signed note (transparency-dev checkpoint format): origin, size, base64 root hash, a blank line, then
     * {@code — <name> base64(keyHint || signature)} where the key hint is the first 4 bytes of the log id.
     */
    private String checkpoint(long size, byte[] rootHash, PrivateKey signer) {
        String note = origin + "\n" + size + "\n" + Crypto.b64(rootHash) + "\n";
        byte[] signature = Crypto.sign(signer, note.getBytes(StandardCharsets.UTF_8));
        byte[] hintAndSignature = new byte[4 + signature.length];
        System.arraycopy(Arrays.copyOf(logId, 4), 0, hintAndSignature, 0, 4);
        System.arraycopy(signature, 0, hintAndSignature, 4, signature.length);
        return note + "\n\u2014 " + host + " " + Crypto.b64(hintAndSignature) + "\n";
    }
}
