package io.fleetwarden.oci;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest as OCI writes it ({@code sha256:<64 lowercase hex>}). Only sha256 and sha512 are
 * accepted: they are what registries and cosign produce, and a digest we cannot recompute is a digest we
 * cannot check.
 */
public record Digest(String algorithm, String hex) {

    private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

    public Digest {
        if (!("sha256".equals(algorithm) && SHA256.matcher(hex).matches())
                && !("sha512".equals(algorithm) && SHA512.matcher(hex).matches())) {
            throw new IllegalArgumentException("invalid digest \"" + algorithm + ":" + hex
                    + "\": expected sha256:<64 lowercase hex> or sha512:<128 lowercase hex>");
        }
    }

    /** Parses {@code sha256:<hex>}; the message names what is wrong. */
    public static Digest parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("invalid digest \"" + text + "\": expected <algorithm>:<hex>");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static Digest sha256Of(byte[] content) {
        return new Digest("sha256", HexFormat.of().formatHex(hash("SHA-256", content)));
    }

    /** Digest of {@code content} with this digest's algorithm, to check content fetched by digest. */
    public boolean matches(byte[] content) {
        return MessageDigest.isEqual(HexFormat.of().formatHex(hash(jcaName(), content)).getBytes(StandardCharsets.US_ASCII),
                hex.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A fresh hasher of this digest's algorithm, for content that is streamed rather than held whole; finish
     * with {@link #matchesHash(byte[])}.
     */
    public MessageDigest newHasher() {
        try {
            return MessageDigest.getInstance(jcaName());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required by the JDK", e);
        }
    }

    /** Whether {@code hash} (the result of a {@link #newHasher()}) is this digest; compared in constant time. */
    public boolean matchesHash(byte[] hash) {
        return MessageDigest.isEqual(hash, bytes());
    }

    public byte[] bytes() {
        return HexFormat.of().parseHex(hex);
    }

    /** The tag name cosign and the OCI referrers tag schema derive from a digest: {@code sha256-<hex>}. */
    public String asTagPrefix() {
        return algorithm + "-" + hex;
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    private String jcaName() {
        return "sha256".equals(algorithm) ? "SHA-256" : "SHA-512";
    }

    private static byte[] hash(String algorithm, byte[] content) {
        try {
            return MessageDigest.getInstance(algorithm).digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required by the JDK", e);
        }
    }
}
