package io.fleetwarden.sops;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Bech32 (BIP 173) decoding as age reads its keys: all upper or all lower case, the separator the last {@code 1},
 * a valid checksum, and 5-bit groups converted to bytes without padding. No length limit, as age has none. Errors
 * name what is wrong, never the input: the input is a secret key.
 */
final class Bech32 {

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};

    record Decoded(String hrp, byte[] data) {
    }

    private Bech32() {
    }

    static Decoded decode(String s) {
        if (!s.toLowerCase(Locale.ROOT).equals(s) && !s.toUpperCase(Locale.ROOT).equals(s)) {
            throw new IllegalArgumentException("mixed case");
        }
        int pos = s.lastIndexOf('1');
        if (pos < 1 || pos + 7 > s.length()) {
            throw new IllegalArgumentException("separator '1' at invalid position");
        }
        String hrp = s.substring(0, pos);
        for (int i = 0; i < hrp.length(); i++) {
            char c = hrp.charAt(i);
            if (c < 33 || c > 126) {
                throw new IllegalArgumentException("invalid character in the human-readable part");
            }
        }
        String lower = s.toLowerCase(Locale.ROOT);
        byte[] values = new byte[s.length() - pos - 1];
        for (int i = 0; i < values.length; i++) {
            int d = CHARSET.indexOf(lower.charAt(pos + 1 + i));
            if (d < 0) {
                throw new IllegalArgumentException("invalid character in the data part");
            }
            values[i] = (byte) d;
        }
        // The checksum is over the lower-case hrp, whatever the case written (age's secret keys are upper case).
        if (polymod(hrp.toLowerCase(Locale.ROOT), values) != 1) {
            throw new IllegalArgumentException("invalid checksum");
        }
        return new Decoded(hrp, toBytes(values, values.length - 6));
    }

    private static int polymod(String hrp, byte[] values) {
        int chk = 1;
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) >> 5);
        }
        chk = step(chk, 0);
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) & 31);
        }
        for (byte v : values) {
            chk = step(chk, v);
        }
        return chk;
    }

    private static int step(int chk, int value) {
        int top = chk >>> 25;
        chk = (chk & 0x1ffffff) << 5 ^ value;
        for (int i = 0; i < 5; i++) {
            if (((top >>> i) & 1) != 0) {
                chk ^= GENERATOR[i];
            }
        }
        return chk;
    }

    /** 5-bit groups to bytes; leftover bits must be fewer than five and zero. */
    private static byte[] toBytes(byte[] values, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int acc = 0;
        int bits = 0;
        for (int i = 0; i < length; i++) {
            acc = acc << 5 | values[i];
            bits += 5;
            while (bits >= 8) {
                bits -= 8;
                out.write((acc >>> bits) & 0xff);
            }
        }
        if (bits >= 5) {
            throw new IllegalArgumentException("illegal zero padding");
        }
        if (((acc << (8 - bits)) & 0xff) != 0) {
            throw new IllegalArgumentException("non-zero padding");
        }
        return out.toByteArray();
    }
}
