package io.fleetwarden.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * {@code tools/sops-oracle} (built by {@code bin/build-sops-oracle}): as a running process, what kustomize-controller
 * v1.9.4 makes of a SOPS encrypted file with age keys (its {@code SopsDecryptWithFormat}: sops v3.13.2's stores and
 * tree decryption, no MAC check, its error wording), and files encrypted as {@code sops --encrypt} does, asked one
 * question at a time (a question and its answer are one line each, so neither side's pipe fills). The identities of
 * a decryption come only from the question, never from the environment. One process serves many questions: start
 * one per test class and close it after.
 *
 * <p>Formats are sops's names: {@code yaml}, {@code json}, {@code dotenv}, {@code ini}, {@code binary}.
 */
public final class SopsOracle implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OracleProcess process;

    /** A fresh age X25519 key pair: the identity ({@code AGE-SECRET-KEY-1...}) and its recipient ({@code age1...}). */
    public record Keys(String identity, String recipient) {
    }

    /**
     * Which values {@code sops --encrypt} encrypts: at most one of the regexes and suffixes (empty for unset; none set
     * means sops's default, the unencrypted suffix {@code _unencrypted}), and whether the MAC covers only the
     * encrypted values. The binary format ignores them all, as sops does.
     */
    public record Rules(String encryptedRegex, String unencryptedRegex, String encryptedSuffix,
            String unencryptedSuffix, String encryptedCommentRegex, String unencryptedCommentRegex,
            boolean macOnlyEncrypted) {

        public Rules {
            encryptedRegex = orEmpty(encryptedRegex);
            unencryptedRegex = orEmpty(unencryptedRegex);
            encryptedSuffix = orEmpty(encryptedSuffix);
            unencryptedSuffix = orEmpty(unencryptedSuffix);
            encryptedCommentRegex = orEmpty(encryptedCommentRegex);
            unencryptedCommentRegex = orEmpty(unencryptedCommentRegex);
        }

        /** No rule: sops encrypts every value whose key does not end with {@code _unencrypted}. */
        public static Rules defaults() {
            return new Rules("", "", "", "", "", "", false);
        }

        public static Rules encryptedRegex(String regex) {
            return new Rules(regex, "", "", "", "", "", false);
        }

        public static Rules unencryptedRegex(String regex) {
            return new Rules("", regex, "", "", "", "", false);
        }

        public static Rules encryptedSuffix(String suffix) {
            return new Rules("", "", suffix, "", "", "", false);
        }

        public static Rules unencryptedSuffix(String suffix) {
            return new Rules("", "", "", suffix, "", "", false);
        }

        public static Rules encryptedCommentRegex(String regex) {
            return new Rules("", "", "", "", regex, "", false);
        }

        public static Rules unencryptedCommentRegex(String regex) {
            return new Rules("", "", "", "", "", regex, false);
        }

        /** The same rules with {@code mac_only_encrypted} set. */
        public Rules withMacOnlyEncrypted() {
            return new Rules(encryptedRegex, unencryptedRegex, encryptedSuffix, unencryptedSuffix,
                    encryptedCommentRegex, unencryptedCommentRegex, true);
        }

        private static String orEmpty(String s) {
            return s == null ? "" : s;
        }
    }

    /** The decrypted file, or the error kustomize-controller reports (then no data). */
    public record Answer(String data, String error) {
    }

    /**
     * The MAC stored in a file (decrypted) and the MAC computed over its decrypted values, or the error (then neither).
     * kustomize-controller checks neither; sops's CLI refuses a file where they differ.
     */
    public record Mac(String stored, String computed, String error) {

        public boolean matches() {
            return error == null && stored.equals(computed);
        }
    }

    public SopsOracle() throws IOException {
        process = new OracleProcess("the SOPS oracle", List.of(binary()));
    }

    /** A fresh age key pair. */
    public synchronized Keys keygen() throws IOException {
        JsonNode answer = process.ask(JSON.createObjectNode().put("op", "keygen"));
        check(answer, "keygen");
        return new Keys(answer.path("identity").asText(), answer.path("recipient").asText());
    }

    /**
     * {@code plaintext} encrypted as {@code sops --encrypt --input-type format --output-type format --age
     * recipients} with {@code rules} writes it (one age stanza per recipient, in one key group).
     *
     * @throws IllegalStateException with sops's error, for a plaintext or rules it refuses
     */
    public synchronized String encrypt(String format, String plaintext, List<String> recipients, Rules rules)
            throws IOException {
        ObjectNode question = JSON.createObjectNode().put("op", "encrypt").put("format", format)
                .put("data", plaintext);
        recipients.forEach(question.putArray("recipients")::add);
        question.put("encryptedRegex", rules.encryptedRegex()).put("unencryptedRegex", rules.unencryptedRegex())
                .put("encryptedSuffix", rules.encryptedSuffix()).put("unencryptedSuffix", rules.unencryptedSuffix())
                .put("encryptedCommentRegex", rules.encryptedCommentRegex())
                .put("unencryptedCommentRegex", rules.unencryptedCommentRegex())
                .put("macOnlyEncrypted", rules.macOnlyEncrypted());
        JsonNode answer = process.ask(question);
        check(answer, "encrypt");
        return answer.path("data").asText();
    }

    /**
     * What kustomize-controller's {@code SopsDecryptWithFormat(data, inputFormat, outputFormat)} returns with the
     * identities of {@code identities} (the text of one or more {@code .agekey} files: identity lines, {@code #}
     * comments, blank lines; empty for none).
     */
    public synchronized Answer decrypt(String inputFormat, String outputFormat, String data, String identities)
            throws IOException {
        JsonNode answer = process.ask(JSON.createObjectNode().put("op", "decrypt").put("inputFormat", inputFormat)
                .put("outputFormat", outputFormat).put("data", data).put("identities", identities));
        String error = answer.path("error").asText("");
        return error.isEmpty() ? new Answer(answer.path("data").asText(), null) : new Answer(null, error);
    }

    /** {@link #encrypt} for content that need not be UTF-8 (a binary file): bytes in, the encrypted file out. */
    public synchronized String encryptBytes(byte[] plaintext, List<String> recipients) throws IOException {
        ObjectNode question = JSON.createObjectNode().put("op", "encrypt").put("format", "binary")
                .put("data", java.util.Base64.getEncoder().encodeToString(plaintext)).put("base64", true);
        recipients.forEach(question.putArray("recipients")::add);
        JsonNode answer = process.ask(question);
        check(answer, "encrypt");
        return new String(java.util.Base64.getDecoder().decode(answer.path("data").asText()),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@link #decrypt} with the answer's bytes as they are (null on an error, then {@code error} is set). */
    public synchronized byte[] decryptBytes(String inputFormat, String outputFormat, String data, String identities,
            StringBuilder error) throws IOException {
        JsonNode answer = process.ask(JSON.createObjectNode().put("op", "decrypt").put("inputFormat", inputFormat)
                .put("outputFormat", outputFormat).put("base64", true).put("identities", identities)
                .put("data", java.util.Base64.getEncoder().encodeToString(
                        data.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        String e = answer.path("error").asText("");
        if (!e.isEmpty()) {
            error.append(e);
            return null;
        }
        return java.util.Base64.getDecoder().decode(answer.path("data").asText());
    }

    /** The stored and computed MACs of an encrypted file, decrypted with {@code identities} as {@link #decrypt}. */
    public synchronized Mac mac(String format, String data, String identities) throws IOException {
        JsonNode answer = process.ask(JSON.createObjectNode().put("op", "mac").put("format", format)
                .put("data", data).put("identities", identities));
        String error = answer.path("error").asText("");
        return error.isEmpty()
                ? new Mac(answer.path("data").asText(), answer.path("computed").asText(), null)
                : new Mac(null, null, error);
    }

    private static void check(JsonNode answer, String op) {
        String error = answer.path("error").asText("");
        if (!error.isEmpty()) {
            throw new IllegalStateException("the SOPS oracle's " + op + ": " + error);
        }
    }

    private static String binary() {
        return CachedBuild.folder("bin/build-sops-oracle", "fleetwarden.sops-oracle", 10).resolve("sops-oracle")
                .toString();
    }

    @Override
    public void close() throws IOException {
        process.close();
    }
}
