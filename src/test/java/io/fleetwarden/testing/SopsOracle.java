package io.fleetwarden.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * {@code tools/sops-oracle} (built by {@code bin/build-sops-oracle}): as a running process, what kustomize-controller
 * v1.9.4 makes of a SOPS encrypted file with age or PGP keys (its {@code SopsDecryptWithFormat}: sops v3.13.2's stores
 * and tree decryption, no MAC check, its error wording), and files encrypted as {@code sops --encrypt} does, asked one
 * question at a time (a question and its answer are one line each, so neither side's pipe fills). The identities and
 * PGP keys of a decryption come only from the question, never from the environment: PGP keys are imported into a
 * temporary GnuPG home as kustomize-controller imports a decryption Secret's {@code .asc} entries, and the
 * {@code gpg} binary decrypts with it, so PGP questions need GnuPG ({@code bin/install-prerequisites}). One process
 * serves many questions: start one per test class and close it after.
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
     * A fresh PGP key pair made by {@code gpg}: the armored secret key (as {@code gpg --armor --export-secret-keys}
     * writes it: the text of a decryption Secret's {@code .asc} entry), the armored public key, and the primary key's
     * fingerprint (40 uppercase hex digits, as {@code sops --pgp} takes it).
     */
    public record PgpKeys(String secretKey, String publicKey, String fingerprint) {

        /** Never the secret key, which a failed assertion would otherwise print. */
        @Override
        public String toString() {
            return "PgpKeys[" + fingerprint + "]";
        }
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
     * A fresh PGP key pair, made with {@code gpg --batch} from a parameter file, without expiry: {@code rsa} is an RSA
     * 3072 signing key with an RSA 3072 encryption subkey, {@code ecc} an ed25519 signing key with a cv25519
     * encryption subkey. The secret key is protected by {@code passphrase}, or not at all when it is empty (then
     * kustomize-controller, which has no passphrase to give, can use it).
     */
    public synchronized PgpKeys pgpKeygen(String algorithm, String passphrase) throws IOException {
        JsonNode answer = process.ask(JSON.createObjectNode().put("op", "pgpkeygen").put("algorithm", algorithm)
                .put("passphrase", passphrase));
        check(answer, "pgpkeygen");
        return new PgpKeys(answer.path("secretKey").asText(), answer.path("publicKey").asText(),
                answer.path("fingerprint").asText());
    }

    /**
     * {@code plaintext} encrypted as {@code sops --encrypt --input-type format --output-type format --age
     * recipients} with {@code rules} writes it (one age stanza per recipient, in one key group).
     *
     * @throws IllegalStateException with sops's error, for a plaintext or rules it refuses
     */
    public synchronized String encrypt(String format, String plaintext, List<String> recipients, Rules rules)
            throws IOException {
        return encrypt(format, plaintext, recipients, List.of(), rules);
    }

    /**
     * {@code plaintext} encrypted as {@code sops --encrypt --input-type format --output-type format --pgp
     * <fingerprints> --age <ageRecipients>} with {@code rules} writes it, with the PGP recipients' public keys in
     * {@code GNUPGHOME} (one stanza per key, PGP then age, in one key group). Either list may be empty, not both.
     *
     * @throws IllegalStateException with sops's error, for a plaintext or rules it refuses
     */
    public synchronized String encrypt(String format, String plaintext, List<String> ageRecipients,
            List<PgpKeys> pgpRecipients, Rules rules) throws IOException {
        ObjectNode question = JSON.createObjectNode().put("op", "encrypt").put("format", format)
                .put("data", plaintext);
        ageRecipients.forEach(question.putArray("recipients")::add);
        putPgpRecipients(question, pgpRecipients);
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
        return decrypt(inputFormat, outputFormat, data, identities, "");
    }

    /**
     * {@link #decrypt(String, String, String, String)} with, besides the age identities, the PGP keys of
     * {@code pgpKeys} (the text of one or more {@code .asc} entries: armored secret keys, as
     * {@link PgpKeys#secretKey()}; empty for none), imported as kustomize-controller imports them. A text gpg cannot
     * import is an error starting {@code failed to import}.
     */
    public synchronized Answer decrypt(String inputFormat, String outputFormat, String data, String identities,
            String pgpKeys) throws IOException {
        JsonNode answer = process.ask(JSON.createObjectNode().put("op", "decrypt").put("inputFormat", inputFormat)
                .put("outputFormat", outputFormat).put("data", data).put("identities", identities)
                .put("pgpKeys", pgpKeys));
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
        return decryptBytes(inputFormat, outputFormat, data, identities, "", error);
    }

    /** {@link #decryptBytes(String, String, String, String, StringBuilder)} with PGP keys, as {@link #decrypt}. */
    public synchronized byte[] decryptBytes(String inputFormat, String outputFormat, String data, String identities,
            String pgpKeys, StringBuilder error) throws IOException {
        JsonNode answer = process.ask(JSON.createObjectNode().put("op", "decrypt").put("inputFormat", inputFormat)
                .put("outputFormat", outputFormat).put("base64", true).put("identities", identities)
                .put("pgpKeys", pgpKeys)
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
        return mac(format, data, identities, "");
    }

    /** {@link #mac(String, String, String)} with PGP keys, as {@link #decrypt}. */
    public synchronized Mac mac(String format, String data, String identities, String pgpKeys) throws IOException {
        JsonNode answer = process.ask(JSON.createObjectNode().put("op", "mac").put("format", format)
                .put("data", data).put("identities", identities).put("pgpKeys", pgpKeys));
        String error = answer.path("error").asText("");
        return error.isEmpty()
                ? new Mac(answer.path("data").asText(), answer.path("computed").asText(), null)
                : new Mac(null, null, error);
    }

    private static void putPgpRecipients(ObjectNode question, List<PgpKeys> pgpRecipients) {
        if (pgpRecipients.isEmpty()) {
            return;
        }
        StringBuilder publicKeys = new StringBuilder();
        pgpRecipients.forEach(k -> publicKeys.append(k.publicKey()).append('\n'));
        question.put("pgpPublicKeys", publicKeys.toString());
        var fingerprints = question.putArray("pgpFingerprints");
        pgpRecipients.forEach(k -> fingerprints.add(k.fingerprint()));
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
