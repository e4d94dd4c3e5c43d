package io.fleetwarden.sops;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Decrypts an age v1 file with X25519 identities, as filippo.io/age v1.3 does: the ASCII armor SOPS stores its
 * data keys in, the header (the first identity that opens a stanza gives the file key), the header MAC, then the
 * STREAM payload (64 KiB ChaCha20-Poly1305 chunks, the last one flagged). Every check age makes is made: an
 * altered byte anywhere fails, and so does a file cut short or with data after its end.
 */
public final class AgeDecryption {

    /** SOPS data keys are 32 bytes; anything read here is small, and a larger file is refused before work. */
    static final int MAX_FILE_BYTES = 64 * 1024;

    private static final String ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
    private static final String ARMOR_END = "-----END AGE ENCRYPTED FILE-----";
    private static final int CHUNK = 64 * 1024;
    private static final int TAG = 16;

    private AgeDecryption() {
    }

    /** Thrown when none of the identities opens any stanza: the file is for someone else. */
    public static final class NoMatchingIdentity extends IllegalArgumentException {
        NoMatchingIdentity(List<String> types) {
            super("no identity matched any of the recipients (stanza types " + types + ")");
        }
    }

    /** The plaintext of an armored age file. */
    public static byte[] decryptArmored(String armored, List<AgeIdentity> identities) {
        return decrypt(dearmor(armored), identities);
    }

    static byte[] decrypt(byte[] file, List<AgeIdentity> identities) {
        return decrypt(file, identities, MAX_FILE_BYTES);
    }

    /** With a limit of the caller's (age's own test vectors go to megabytes). */
    static byte[] decrypt(byte[] file, List<AgeIdentity> identities, int maxBytes) {
        if (file.length > maxBytes) {
            throw new IllegalArgumentException("age file of " + file.length + " bytes is over the limit of "
                    + maxBytes);
        }
        AgeHeader header = AgeHeader.parse(file);
        if (identities.isEmpty()) {
            throw new IllegalArgumentException("no identities specified");
        }
        byte[] fileKey = null;
        for (AgeIdentity identity : identities) {
            for (AgeHeader.Stanza stanza : header.stanzas()) {
                fileKey = identity.unwrap(stanza);
                if (fileKey != null) {
                    break;
                }
            }
            if (fileKey != null) {
                break;
            }
        }
        if (fileKey == null) {
            throw new NoMatchingIdentity(header.stanzas().stream().map(AgeHeader.Stanza::type).toList());
        }
        byte[] hmacKey = AgeCrypto.hkdf(fileKey, null, "header", 32);
        if (!MessageDigest.isEqual(AgeCrypto.hmac(hmacKey, header.withoutMac()), header.mac())) {
            throw new IllegalArgumentException("bad header MAC");
        }
        int offset = header.length();
        if (file.length - offset < 16) {
            throw new IllegalArgumentException("failed to read nonce: the file ends early");
        }
        byte[] nonce = Arrays.copyOfRange(file, offset, offset + 16);
        byte[] streamKey = AgeCrypto.hkdf(fileKey, nonce, "payload", 32);
        return payload(streamKey, Arrays.copyOfRange(file, offset + 16, file.length));
    }

    /**
     * STREAM: chunk i is sealed under nonce (11-byte big-endian counter || last flag). A full chunk that does not
     * open as a middle chunk is tried as the last one; an empty last chunk is allowed only for an empty file.
     */
    private static byte[] payload(byte[] key, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int position = 0;
        long counter = 0;
        while (true) {
            int remaining = payload.length - position;
            if (remaining == 0) {
                throw new IllegalArgumentException("the payload ends before its last chunk");
            }
            int size = Math.min(remaining, CHUNK + TAG);
            byte[] chunk = Arrays.copyOfRange(payload, position, position + size);
            boolean last = size < CHUNK + TAG;
            if (last && counter != 0 && size == TAG) {
                throw new IllegalArgumentException("last chunk is empty");
            }
            byte[] plain = last ? null : AgeCrypto.open(key, nonce(counter, false), chunk);
            if (plain == null) {
                last = true;
                plain = AgeCrypto.open(key, nonce(counter, true), chunk);
            }
            if (plain == null) {
                throw new IllegalArgumentException("failed to decrypt and authenticate payload chunk, file may be "
                        + "corrupted or tampered with");
            }
            out.writeBytes(plain);
            position += size;
            counter++;
            if (last) {
                if (position != payload.length) {
                    throw new IllegalArgumentException("trailing data after end of encrypted file");
                }
                return out.toByteArray();
            }
        }
    }

    private static byte[] nonce(long counter, boolean last) {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
            nonce[10 - i] = (byte) (counter >>> (8 * i));
        }
        nonce[11] = (byte) (last ? 1 : 0);
        return nonce;
    }

    /**
     * age's armor: up to 1 KiB of leading and trailing whitespace, the BEGIN line, lines of exactly 64 columns of
     * padded base64 but the last (shorter, or followed directly by END), the END line; CRLF accepted.
     */
    static byte[] dearmor(String armored) {
        return dearmor(armored, MAX_FILE_BYTES * 2);
    }

    static byte[] dearmor(String armored, int maxChars) {
        if (armored.length() > maxChars) {
            throw new IllegalArgumentException("invalid armor: over the size limit");
        }
        List<String> lines = new ArrayList<>(List.of(armored.split("\n", -1)));
        lines.replaceAll(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
        int i = 0;
        int leading = 0;
        while (i < lines.size() && lines.get(i).strip().isEmpty()) {
            leading += lines.get(i).length() + 1;
            if (leading > 1024) {
                throw new IllegalArgumentException("invalid armor: too much leading whitespace");
            }
            i++;
        }
        if (i == lines.size() || !lines.get(i).equals(ARMOR_BEGIN)) {
            throw new IllegalArgumentException("invalid armor: invalid first line");
        }
        i++;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            if (i == lines.size()) {
                throw new IllegalArgumentException("invalid armor: unexpected end");
            }
            String line = lines.get(i++);
            if (line.equals(ARMOR_END)) {
                break;
            }
            if (line.isEmpty()) {
                throw new IllegalArgumentException("invalid armor: empty line in armored data");
            }
            if (line.length() > 64) {
                throw new IllegalArgumentException("invalid armor: column limit exceeded");
            }
            byte[] decoded = strictPadded(line);
            out.writeBytes(decoded);
            if (decoded.length < 48) {
                if (i == lines.size() || !lines.get(i).equals(ARMOR_END)) {
                    throw new IllegalArgumentException("invalid armor: invalid closing line");
                }
                i++;
                break;
            }
        }
        String trailing = String.join("\n", lines.subList(i, lines.size()));
        if (!trailing.strip().isEmpty()) {
            throw new IllegalArgumentException("invalid armor: trailing data after armored file");
        }
        if (trailing.length() >= 1024) {
            throw new IllegalArgumentException("invalid armor: too much trailing whitespace");
        }
        return out.toByteArray();
    }

    private static byte[] strictPadded(String line) {
        byte[] out;
        try {
            out = Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid armor: malformed base64");
        }
        if (!Base64.getEncoder().encodeToString(out).equals(line)) {
            throw new IllegalArgumentException("invalid armor: non-canonical base64");
        }
        return out;
    }

}
