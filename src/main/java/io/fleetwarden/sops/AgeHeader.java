package io.fleetwarden.sops;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The header of an age v1 file, parsed as strictly as age parses it: the intro line, stanzas ({@code -> type args},
 * a body in unpadded base64 of full 64-column lines ended by a shorter one), the {@code ---} line with a 32-byte MAC.
 * Being strict here is what makes the MAC, computed over the header as age would write it again, cover exactly the
 * bytes that were read.
 */
record AgeHeader(List<Stanza> stanzas, byte[] mac, byte[] withoutMac, int length) {

    record Stanza(String type, List<String> args, byte[] body) {
    }

    private static final String INTRO = "age-encryption.org/v1\n";
    private static final int COLUMNS = 64;
    private static final int BYTES_PER_LINE = COLUMNS / 4 * 3;

    static AgeHeader parse(byte[] file) {
        Lines lines = new Lines(file);
        String intro = lines.next();
        if (!(intro + "\n").equals(INTRO)) {
            throw new IllegalArgumentException("parsing age header: unexpected intro");
        }
        List<Stanza> stanzas = new ArrayList<>();
        while (true) {
            int start = lines.position;
            String line = lines.next();
            if (line.startsWith("---")) {
                String[] parts = line.split(" ", -1);
                if (!parts[0].equals("---") || parts.length != 2) {
                    throw new IllegalArgumentException("parsing age header: malformed closing line");
                }
                byte[] mac = decodeRaw(parts[1]);
                if (mac.length != 32) {
                    throw new IllegalArgumentException("parsing age header: malformed closing line");
                }
                byte[] without = java.util.Arrays.copyOf(file, start + 3);
                return new AgeHeader(List.copyOf(stanzas), mac, without, lines.position);
            }
            if (!line.startsWith("->")) {
                throw new IllegalArgumentException("parsing age header: malformed stanza opening line");
            }
            String[] parts = line.split(" ", -1);
            if (!parts[0].equals("->") || parts.length < 2) {
                throw new IllegalArgumentException("parsing age header: malformed stanza");
            }
            for (int i = 1; i < parts.length; i++) {
                if (!validArgument(parts[i])) {
                    throw new IllegalArgumentException("parsing age header: malformed stanza");
                }
            }
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            while (true) {
                byte[] chunk = decodeRaw(lines.next());
                if (chunk.length > BYTES_PER_LINE) {
                    throw new IllegalArgumentException("parsing age header: malformed body line: too long");
                }
                body.writeBytes(chunk);
                if (chunk.length < BYTES_PER_LINE) {
                    break;
                }
            }
            stanzas.add(new Stanza(parts[1], List.of(parts).subList(2, parts.length), body.toByteArray()));
        }
    }

    /**
     * Unpadded standard base64 with canonical trailing bits (Go's {@code RawStdEncoding.Strict()}), no line breaks.
     */
    static byte[] decodeRaw(String s) {
        if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || s.indexOf('=') >= 0 || s.length() % 4 == 1) {
            throw new IllegalArgumentException("parsing age header: malformed base64");
        }
        byte[] out;
        try {
            out = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parsing age header: malformed base64");
        }
        if (!Base64.getEncoder().withoutPadding().encodeToString(out).equals(s)) {
            throw new IllegalArgumentException("parsing age header: non-canonical base64");
        }
        return out;
    }

    private static boolean validArgument(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 33 || c > 126) {
                return false;
            }
        }
        return true;
    }

    /** Lines ended by {@code \n}; a header cut short (no newline) is an error, as in age. */
    private static final class Lines {
        private final byte[] data;
        private int position;

        Lines(byte[] data) {
            this.data = data;
        }

        String next() {
            for (int i = position; i < data.length; i++) {
                if (data[i] == '\n') {
                    String line = new String(data, position, i - position, StandardCharsets.ISO_8859_1);
                    position = i + 1;
                    return line;
                }
            }
            throw new IllegalArgumentException("parsing age header: the header ends early");
        }
    }
}
