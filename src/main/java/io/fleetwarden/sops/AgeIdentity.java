package io.fleetwarden.sops;

import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An age X25519 identity ({@code AGE-SECRET-KEY-1...}): the secret scalar and its public key. {@link #toString()}
 * never shows the scalar, so an identity can reach a log line or an exception message without leaking.
 */
public final class AgeIdentity {

    private final byte[] secret;
    private final byte[] publicKey;

    private AgeIdentity(byte[] secret) {
        this.secret = secret;
        this.publicKey = new byte[X25519.POINT_SIZE];
        X25519.scalarMultBase(secret, 0, publicKey, 0);
    }

    /**
     * The identities of an age identity file, as SOPS imports the {@code .agekey} entries of a decryption Secret:
     * one per line, blank lines and {@code #} comments skipped, a trailing CR dropped, nothing else trimmed. A line
     * that is not an X25519 identity fails the whole file, as it does for SOPS; the message gives the line number
     * and never the line. Post-quantum ({@code AGE-SECRET-KEY-PQ-1}) and plugin ({@code AGE-PLUGIN-}) identities
     * are refused by name: the first needs ML-KEM, the second a plugin binary, and neither is here.
     */
    public static List<AgeIdentity> parseFile(String text) {
        List<AgeIdentity> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                out.add(parse(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }

    static AgeIdentity parse(String line) {
        if (line.startsWith("AGE-PLUGIN-")) {
            throw new IllegalArgumentException("age plugin identities are not supported in engine mode");
        }
        if (line.startsWith("AGE-SECRET-KEY-PQ-1")) {
            throw new IllegalArgumentException("post-quantum age identities (AGE-SECRET-KEY-PQ-1) are not supported "
                    + "in engine mode");
        }
        if (!line.startsWith("AGE-SECRET-KEY-1")) {
            throw new IllegalArgumentException("unknown identity type");
        }
        Bech32.Decoded decoded;
        try {
            decoded = Bech32.decode(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed secret key: " + e.getMessage());
        }
        if (!decoded.hrp().equals("AGE-SECRET-KEY-")) {
            throw new IllegalArgumentException("malformed secret key: unknown type");
        }
        if (decoded.data().length != X25519.SCALAR_SIZE) {
            throw new IllegalArgumentException("malformed secret key: invalid X25519 secret key");
        }
        return new AgeIdentity(decoded.data());
    }

    /**
     * The file key of an {@code X25519} stanza, or null when the stanza is not for this identity (its AEAD does not
     * open). As age: the shared secret must not be all zeros (a low-order share), and a stanza whose body is not
     * 16-byte file key sealed (32 bytes) is malformed rather than someone else's.
     */
    byte[] unwrap(AgeHeader.Stanza stanza) {
        if (!stanza.type().equals("X25519")) {
            return null;
        }
        if (stanza.args().size() != 1) {
            throw new IllegalArgumentException("invalid X25519 recipient block");
        }
        byte[] share = AgeHeader.decodeRaw(stanza.args().get(0));
        if (share.length != X25519.POINT_SIZE) {
            throw new IllegalArgumentException("invalid X25519 recipient block");
        }
        byte[] shared = new byte[X25519.POINT_SIZE];
        if (!X25519.calculateAgreement(secret, 0, share, 0, shared, 0)) {
            throw new IllegalArgumentException("invalid X25519 recipient: low-order point");
        }
        byte[] salt = new byte[share.length + publicKey.length];
        System.arraycopy(share, 0, salt, 0, share.length);
        System.arraycopy(publicKey, 0, salt, share.length, publicKey.length);
        byte[] wrappingKey = AgeCrypto.hkdf(shared, salt, "age-encryption.org/v1/X25519", 32);
        if (stanza.body().length != 16 + 16) {
            throw new IllegalArgumentException("invalid X25519 recipient block: incorrect file key size");
        }
        return AgeCrypto.open(wrappingKey, new byte[12], stanza.body());
    }

    @Override
    public String toString() {
        return "age identity (X25519)";
    }
}
