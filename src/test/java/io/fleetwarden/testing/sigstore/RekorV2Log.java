package io.fleetwarden.testing.sigstore;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;

/**
 * A Rekor v2 log (rekor-tiles): entries go into an RFC 6962 tree and each append returns an inclusion proof up
 * to a checkpoint signed with the log's Ed25519 key, and nothing else: no SET, no integrated time. The checkpoint
 * is a C2SP signed note whose origin, and signer name, is the authority of the log's URL ({@code host} or
 * {@code host:port}); its key hash, and the log id in the trusted root, is sha256(origin, newline, 0x01, raw key).
 */
final class RekorV2Log {

    private final KeyPair key;
    private final String origin;
    private final byte[] logId;
    private final MerkleTree tree = new MerkleTree();

    RekorV2Log(KeyPair key, String origin) {
        this.key = key;
        this.origin = origin;
        this.logId = keyId(origin, key.getPublic());
    }

    static byte[] keyId(String origin, PublicKey ed25519) {
        byte[] der = ed25519.getEncoded();
        byte[] head = (origin + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] data = Arrays.copyOf(head, head.length + 33);
        data[head.length] = 0x01;
        System.arraycopy(der, der.length - 32, data, head.length + 1, 32);
        return Crypto.sha256(data);
    }

    PublicKey publicKey() {
        return key.getPublic();
    }

    byte[] logId() {
        return logId.clone();
    }

    /** Appends honestly; {@code checkpointKey} (null: the log's own) lets a tamper sign the checkpoint wrongly. */
    LogEntry append(byte[] body, PrivateKey checkpointKey) {
        MerkleTree.Inclusion inclusion = tree.append(body);
        String note = origin + "\n" + inclusion.treeSize() + "\n" + Crypto.b64(inclusion.rootHash()) + "\n";
        byte[] signature = Crypto.signEd25519(checkpointKey == null ? key.getPrivate() : checkpointKey,
                note.getBytes(StandardCharsets.UTF_8));
        byte[] line = new byte[4 + signature.length];
        System.arraycopy(logId, 0, line, 0, 4);
        System.arraycopy(signature, 0, line, 4, signature.length);
        String checkpoint = note + "\n\u2014 " + origin + " " + Crypto.b64(line) + "\n";
        return new LogEntry(inclusion.index(), 0, Crypto.hex(logId), body, null, inclusion.treeSize(),
                inclusion.hashes(), inclusion.rootHash(), checkpoint);
    }
}
