package io.fleetwarden.sops;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.fleetwarden.golang.GoBase64;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One encrypted SOPS value, {@code ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]}, opened as getsops/sops v3.13's AES
 * cipher opens it: AES-256-GCM under the document's data key, with the value's path ({@code a:b:c:}) as additional
 * data, so a value moved to another key does not open. The plaintext is typed by {@code type}.
 */
final class SopsValue {

    /** What a value decrypts to: SOPS's types. {@code text} is the plaintext as SOPS encrypted it. */
    sealed interface Plain {
        String text();
    }

    /** A string; {@code bytes} as decrypted, since a binary file's content need not be UTF-8. */
    record Str(String text, byte[] bytes) implements Plain {

        Str(String text) {
            this(text, text.getBytes(StandardCharsets.UTF_8));
        }

        boolean utf8() {
            try {
                StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
                return true;
            } catch (java.nio.charset.CharacterCodingException e) {
                return false;
            }
        }
    }

    record Int(String text, long value) implements Plain {
    }

    record Float(String text, double value) implements Plain {
    }

    record Bool(String text, boolean value) implements Plain {
    }

    record Bytes(String text, byte[] value) implements Plain {
    }

    record Time(String text, java.time.OffsetDateTime value) implements Plain {
    }

    record Comment(String text) implements Plain {
    }

    // The same expression as SOPS's (greedy groups, anchored only at the start), so the same strings parse.
    private static final Pattern FORMAT = Pattern.compile(
            "^ENC\\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\\]");

    private SopsValue() {
    }

    /**
     * @param where the value's path for messages ({@code data:password:}); the value itself is never in a message
     */
    static Plain decrypt(String ciphertext, byte[] key, String additionalData, String where) throws SopsException {
        if (ciphertext.isEmpty()) {
            return new Str("");
        }
        Matcher m = FORMAT.matcher(ciphertext);
        if (!m.find()) {
            throw new SopsException("the value at '" + where + "' is not in SOPS's encrypted format (is it "
                    + "unencrypted where the file's rules say it must be encrypted?)");
        }
        byte[] data = base64(m.group(1), "data", where);
        byte[] iv = base64(m.group(2), "iv", where);
        byte[] tag = base64(m.group(3), "tag", where);
        String type = m.group(4);
        if (iv.length == 0) {
            throw new SopsException("the value at '" + where + "' has an empty iv");
        }
        byte[] plain;
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            gcm.updateAAD(additionalData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = new byte[data.length + tag.length];
            System.arraycopy(data, 0, sealed, 0, data.length);
            System.arraycopy(tag, 0, sealed, data.length, tag.length);
            plain = gcm.doFinal(sealed);
        } catch (GeneralSecurityException e) {
            throw new SopsException("could not decrypt the value at '" + where + "' with AES_GCM: message "
                    + "authentication failed (the wrong data key, or a value changed or moved to another key)");
        }
        String text = new String(plain, StandardCharsets.UTF_8);
        return switch (type) {
            case "str" -> new Str(text, plain);
            case "int" -> new Int(text, GoNumbers.atoi(text, where));
            case "float" -> new Float(text, GoNumbers.parseFloat(text, where));
            case "bool" -> new Bool(text, GoNumbers.parseBool(text, where));
            case "bytes" -> new Bytes(text, plain);
            case "time" -> new Time(text, GoNumbers.parseTime(text, where));
            case "comment" -> new Comment(text);
            default -> throw new SopsException("the value at '" + where + "' has an unknown datatype");
        };
    }

    /** Go's {@code base64.StdEncoding}: padded, line breaks skipped. */
    private static byte[] base64(String s, String field, String where) throws SopsException {
        try {
            return GoBase64.decodeStd(s);
        } catch (IllegalArgumentException e) {
            throw new SopsException("error base64-decoding " + field + " of the value at '" + where + "'");
        }
    }
}
