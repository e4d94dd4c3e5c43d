package io.fleetwarden.verify.cosign;

import dev.sigstore.trustroot.TransparencyLog;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A Rekor v2 checkpoint: a signed note (C2SP signed-note, tlog-checkpoint) whose text is the origin, the tree size
 * and the base64 root hash, then a blank line and signature lines {@code — <name> base64(keyHash[4] || sig)}. It
 * is what makes an inclusion proof evidence: the proof leads to a root hash, and only the log's signature over
 * that root hash says the log committed to it.
 *
 * <p>Checked exactly: the origin is the log's (see {@link #origins}), the size and root hash are those the
 * inclusion proof leads to, and a signature line with that name and the key hash the signed-note rules give for
 * the log key verifies with the key of the trusted root. sigstore-java 2.0.0 instead takes the name from
 * {@code baseUrl.getHost()}, which drops a port, so a private log at {@code http://rekor.internal:8000} (origin
 * {@code rekor.internal:8000}) can never be verified there; it also never compares the origin or the size.
 */
final class LogCheckpoint {

    /** As sigstore-java: a note with more signature lines than this is refused rather than scanned. */
    static final int MAX_SIGNATURES = 20;
    static final int MAX_CHARS = 16 * 1024;
    private static final byte ED25519_TYPE = 0x01;
    private static final byte UNDEFINED_TYPE = (byte) 0xff;
    private static final String RSA_ID = "PKIX-RSA-PKCS#1v1.5";

    private LogCheckpoint() {
    }

    /**
     * The names a log may sign its checkpoints with: the authority of its base URL as written ({@code host:port}
     * when the URL has a port), and the bare host (what sigstore-go and the public-good logs use). The name only
     * selects the signature line; the signature must still verify with the log's key, and for Ed25519 keys the
     * name is part of the key hash.
     */
    static List<String> origins(URI baseUrl) {
        List<String> names = new ArrayList<>();
        if (baseUrl == null || baseUrl.getHost() == null) {
            return names;
        }
        if (baseUrl.getPort() != -1) {
            names.add(baseUrl.getHost() + ":" + baseUrl.getPort());
        }
        names.add(baseUrl.getHost());
        return names;
    }

    /** @return null when the checkpoint verifies, otherwise why not */
    static String verify(String envelope, TransparencyLog log, long treeSize, byte[] rootHash) {
        if (envelope == null || envelope.isEmpty()) {
            return "the inclusion proof has no checkpoint; a Rekor v2 entry needs one";
        }
        if (envelope.length() > MAX_CHARS) {
            return "the checkpoint is longer than " + MAX_CHARS + " characters";
        }
        int split = envelope.indexOf("\n\n");
        if (split < 0 || !envelope.endsWith("\n")) {
            return "the checkpoint is not a signed note (text, blank line, signature lines)";
        }
        String text = envelope.substring(0, split + 1);
        String[] lines = text.split("\n", -1);
        if (lines.length < 4) {
            return "the checkpoint text must hold origin, size and root hash";
        }
        String origin = lines[0];
        List<String> accepted = origins(log.getBaseUrl());
        if (!accepted.contains(origin)) {
            return "the checkpoint origin \"" + origin + "\" is not the log " + log.getBaseUrl() + " (expected one of "
                    + accepted + ")";
        }
        if (!lines[1].matches("0|[1-9][0-9]{0,18}") || Long.parseLong(lines[1]) != treeSize) {
            return "the checkpoint size \"" + lines[1] + "\" is not the inclusion proof's tree size " + treeSize;
        }
        byte[] signedRoot;
        try {
            signedRoot = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            return "the checkpoint root hash is not base64";
        }
        if (!MessageDigest.isEqual(signedRoot, rootHash)) {
            return "the checkpoint root hash is not the root hash the inclusion proof leads to";
        }
        String[] signatureLines = envelope.substring(split + 2).split("\n");
        if (signatureLines.length > MAX_SIGNATURES) {
            return "the checkpoint has more than " + MAX_SIGNATURES + " signatures";
        }
        PublicKey key;
        try {
            key = log.getPublicKey().toJavaPublicKey();
        } catch (GeneralSecurityException | RuntimeException e) {
            return "the key of log " + log.getBaseUrl() + " cannot be used: " + e.getMessage();
        }
        byte[] hint = keyHash(origin, key);
        byte[] signed = text.getBytes(StandardCharsets.UTF_8);
        for (String line : signatureLines) {
            String prefix = "\u2014 " + origin + " ";
            if (!line.startsWith(prefix)) {
                continue;
            }
            byte[] hintAndSignature;
            try {
                hintAndSignature = Base64.getDecoder().decode(line.substring(prefix.length()));
            } catch (IllegalArgumentException e) {
                return "a checkpoint signature line of " + origin + " is not base64";
            }
            if (hintAndSignature.length > 4 && Arrays.equals(hint, Arrays.copyOf(hintAndSignature, 4))) {
                byte[] signature = Arrays.copyOfRange(hintAndSignature, 4, hintAndSignature.length);
                return verifies(key, signed, signature) ? null
                        : "the checkpoint signature does not verify with the key of log " + log.getBaseUrl();
            }
        }
        return "the checkpoint has no signature by the key of log " + log.getBaseUrl() + " (name " + origin
                + ", key hash " + HexFormat.of().formatHex(hint) + ")";
    }

    /**
     * The 4-byte key hash of a signed-note signature line: for Ed25519 (the type witnesses use) sha256 over the
     * name, a newline, the type byte 0x01 and the raw key; ECDSA logs use sha256 of the DER key (as Rekor v1 and
     * rekor-tiles do); RSA the 0xff type with its identifier and the DER key.
     */
    static byte[] keyHash(String name, PublicKey key) {
        byte[] hash;
        if (key instanceof ECPublicKey) {
            hash = Encodings.sha256(key.getEncoded());
        } else if (key instanceof RSAPublicKey) {
            hash = Encodings.sha256(concat(name, new byte[] {UNDEFINED_TYPE},
                    RSA_ID.getBytes(StandardCharsets.US_ASCII), key.getEncoded()));
        } else {
            byte[] der = key.getEncoded();
            // An Ed25519 SubjectPublicKeyInfo is a fixed 12-byte header and the 32-byte key.
            hash = Encodings.sha256(concat(name, new byte[] {ED25519_TYPE}, Arrays.copyOfRange(der, der.length - 32,
                    der.length)));
        }
        return Arrays.copyOf(hash, 4);
    }

    private static boolean verifies(PublicKey key, byte[] data, byte[] signature) {
        if (key instanceof ECPublicKey || key instanceof RSAPublicKey) {
            return KeySignatures.verifies(key, data, signature);
        }
        try {
            Signature ed = Signature.getInstance("Ed25519");
            ed.initVerify(key);
            ed.update(data);
            return ed.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static byte[] concat(String name, byte[]... parts) {
        byte[] head = (name + "\n").getBytes(StandardCharsets.UTF_8);
        int length = head.length;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = Arrays.copyOf(head, length);
        int at = head.length;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
