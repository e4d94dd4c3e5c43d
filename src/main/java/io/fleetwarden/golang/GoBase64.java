package io.fleetwarden.golang;

import java.util.Base64;

/**
 * Go's {@code base64.StdEncoding.DecodeString}: padding required, and carriage returns and newlines skipped (kustomize
 * writes a long Secret value in lines of 70 characters, which Go reads back and Java's strict decoder refuses).
 */
public final class GoBase64 {

    private GoBase64() {
    }

    /** @throws IllegalArgumentException where Go reports a {@code CorruptInputError} */
    public static byte[] decodeStd(String s) {
        String compact = s.indexOf('\n') < 0 && s.indexOf('\r') < 0 ? s : s.replace("\r", "").replace("\n", "");
        if (compact.length() % 4 != 0) {
            throw new IllegalArgumentException("illegal base64 data: not a multiple of 4 characters");
        }
        return Base64.getDecoder().decode(compact);
    }
}
