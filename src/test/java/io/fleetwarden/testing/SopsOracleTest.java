package io.fleetwarden.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SOPS oracle answers: keys, sops's encryption and kustomize-controller's decryption agree with each other. */
class SopsOracleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    // In sops's own YAML style (four-space indents), so that decrypting gives back exactly this text.
    private static final String SECRET = """
            apiVersion: v1
            kind: Secret
            metadata:
                name: db
                namespace: apps
            type: Opaque
            data:
                password: aHVudGVyMg==
            stringData:
                user: dbadmin
                url: postgres://db.apps:5432/orders
            """;

    private static final SopsOracle.Rules DATA_ONLY = SopsOracle.Rules.encryptedRegex("^(data|stringData)$");

    private static SopsOracle oracle;
    private static SopsOracle.Keys keys;
    private static SopsOracle.PgpKeys rsa;
    private static SopsOracle.PgpKeys ecc;

    @BeforeAll
    static void startOracle() throws IOException {
        oracle = new SopsOracle();
        keys = oracle.keygen();
        rsa = oracle.pgpKeygen("rsa", "");
        ecc = oracle.pgpKeygen("ecc", "");
    }

    @AfterAll
    static void stopOracle() throws IOException {
        if (oracle != null) {
            oracle.close();
        }
    }

    @Test
    void keygenGivesAFreshX25519Pair() throws IOException {
        SopsOracle.Keys other = oracle.keygen();
        assertThat(keys.identity()).startsWith("AGE-SECRET-KEY-1");
        assertThat(keys.recipient()).startsWith("age1");
        assertThat(other).isNotEqualTo(keys);
    }

    @Test
    void aSecretEncryptedWithAnEncryptedRegexDecryptsBackToItsValues() throws IOException {
        SopsOracle.Keys second = oracle.keygen();
        String encrypted = oracle.encrypt("yaml", SECRET, List.of(keys.recipient(), second.recipient()),
                SopsOracle.Rules.encryptedRegex("^(data|stringData)$"));
        assertThat(encrypted).contains("    name: db\n", "    encrypted_regex: ^(data|stringData)$\n",
                "    password: ENC[AES256_GCM,", "recipient: " + keys.recipient(), "recipient: " + second.recipient())
                .doesNotContain("aHVudGVyMg==", "dbadmin", "postgres://");

        // Either recipient's identity opens it, from .agekey text with comments and blank lines.
        SopsOracle.Answer yaml = oracle.decrypt("yaml", "yaml", encrypted, "# second\n\n" + second.identity() + "\n");
        assertThat(yaml.error()).isNull();
        assertThat(yaml.data()).isEqualTo(SECRET);
        SopsOracle.Answer json = oracle.decrypt("yaml", "json", encrypted, keys.identity());
        assertThat(json.error()).isNull();
        assertThat(JSON.readTree(json.data())).isEqualTo(JSON.readTree("""
                {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "apps"},
                 "type": "Opaque", "data": {"password": "aHVudGVyMg=="},
                 "stringData": {"user": "dbadmin", "url": "postgres://db.apps:5432/orders"}}"""));
    }

    @Test
    void dotenvRoundTrips() throws IOException {
        String env = "USER=dbadmin\nPASSWORD=hunter2\nHOST_unencrypted=db.apps\n";
        String encrypted = oracle.encrypt("dotenv", env, List.of(keys.recipient()), SopsOracle.Rules.defaults());
        assertThat(encrypted).contains("HOST_unencrypted=db.apps\n", "sops_unencrypted_suffix=_unencrypted\n")
                .doesNotContain("dbadmin", "hunter2");
        SopsOracle.Answer answer = oracle.decrypt("dotenv", "dotenv", encrypted, keys.identity());
        assertThat(answer.error()).isNull();
        assertThat(answer.data()).isEqualTo(env);
    }

    @Test
    void binaryRoundTripsThroughSopsJsonEnvelope() throws IOException {
        String blob = "not: [yaml\n\tnor {json}\n\u00e9t\u00e9\n";
        String encrypted = oracle.encrypt("binary", blob, List.of(keys.recipient()), SopsOracle.Rules.defaults());
        assertThat(JSON.readTree(encrypted).path("data").asText()).startsWith("ENC[AES256_GCM,");
        assertThat(JSON.readTree(encrypted).has("sops")).isTrue();
        SopsOracle.Answer answer = oracle.decrypt("binary", "binary", encrypted, keys.identity());
        assertThat(answer.error()).isNull();
        assertThat(answer.data()).isEqualTo(blob);
    }

    @Test
    void aWrongIdentityFailsWithoutQuotingThePlaintext() throws IOException {
        String encrypted = oracle.encrypt("yaml", SECRET, List.of(keys.recipient()),
                SopsOracle.Rules.encryptedRegex("^(data|stringData)$"));
        SopsOracle.Keys stranger = oracle.keygen();
        SopsOracle.Answer answer = oracle.decrypt("yaml", "yaml", encrypted, stranger.identity());
        assertThat(answer.data()).isNull();
        assertThat(answer.error()).startsWith("cannot get sops data key: ")
                .contains(keys.recipient() + ": FAILED", "identity did not match any of the recipients")
                .doesNotContain("aHVudGVyMg==", "dbadmin", "postgres://", stranger.identity());
        // No identity at all: sops falls back to the (cleared) environment, and says where it looked.
        assertThat(oracle.decrypt("yaml", "yaml", encrypted, "").error()).contains("failed to load age identities");
    }

    @Test
    void theMacMatchesUntilAnUnencryptedValueChanges() throws IOException {
        String encrypted = oracle.encrypt("yaml", SECRET, List.of(keys.recipient()),
                SopsOracle.Rules.encryptedRegex("^(data|stringData)$"));
        SopsOracle.Mac untouched = oracle.mac("yaml", encrypted, keys.identity());
        assertThat(untouched.error()).isNull();
        assertThat(untouched.stored()).matches("[0-9A-F]{128}").isEqualTo(untouched.computed());
        assertThat(untouched.matches()).isTrue();

        String edited = encrypted.replace("    namespace: apps\n", "    namespace: other\n");
        assertThat(edited).isNotEqualTo(encrypted);
        SopsOracle.Mac mac = oracle.mac("yaml", edited, keys.identity());
        assertThat(mac.stored()).isEqualTo(untouched.stored());
        assertThat(mac.computed()).isNotEqualTo(mac.stored());
        assertThat(mac.matches()).isFalse();
        // kustomize-controller does not check the MAC: the edited file still decrypts.
        assertThat(oracle.decrypt("yaml", "yaml", edited, keys.identity()).data())
                .isEqualTo(SECRET.replace("namespace: apps", "namespace: other"));

        // With mac_only_encrypted the MAC covers the encrypted values alone: the same edit keeps it matching.
        String macOnly = oracle.encrypt("yaml", SECRET, List.of(keys.recipient()),
                SopsOracle.Rules.encryptedRegex("^(data|stringData)$").withMacOnlyEncrypted());
        assertThat(macOnly).contains("    mac_only_encrypted: true\n");
        assertThat(oracle.mac("yaml", macOnly.replace("    namespace: apps\n", "    namespace: other\n"),
                keys.identity()).matches()).isTrue();
    }

    @Test
    void pgpKeygenGivesArmoredKeysAndTheirFingerprint() {
        for (SopsOracle.PgpKeys k : List.of(rsa, ecc)) {
            assertThat(k.fingerprint()).matches("[0-9A-F]{40}");
            assertThat(k.secretKey()).startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----\n")
                    .endsWith("-----END PGP PRIVATE KEY BLOCK-----\n");
            assertThat(k.publicKey()).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----\n")
                    .endsWith("-----END PGP PUBLIC KEY BLOCK-----\n");
            assertThat(k.toString()).doesNotContain(k.secretKey());
        }
        assertThat(rsa.fingerprint()).isNotEqualTo(ecc.fingerprint());
        assertThatThrownBy(() -> oracle.pgpKeygen("dsa", "")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown PGP algorithm");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ecc"})
    void aSecretEncryptedForAPgpKeyDecryptsWithItsSecretKeyAndNoOther(String algorithm) throws IOException {
        SopsOracle.PgpKeys key = algorithm.equals("rsa") ? rsa : ecc;
        SopsOracle.PgpKeys other = key == rsa ? ecc : rsa;
        String encrypted = oracle.encrypt("yaml", SECRET, List.of(), List.of(key), DATA_ONLY);
        assertThat(encrypted).contains("    pgp:\n", "-----BEGIN PGP MESSAGE-----", "fp: " + key.fingerprint())
                .doesNotContain("    age:", "aHVudGVyMg==", "dbadmin", "postgres://");

        SopsOracle.Answer answer = oracle.decrypt("yaml", "yaml", encrypted, "", key.secretKey());
        assertThat(answer.error()).isNull();
        assertThat(answer.data()).isEqualTo(SECRET);
        assertThat(oracle.mac("yaml", encrypted, "", key.secretKey()).matches()).isTrue();

        // Another key: gpg finds no secret key for the message, and sops says which key failed.
        SopsOracle.Answer refused = oracle.decrypt("yaml", "yaml", encrypted, "", other.secretKey());
        assertThat(refused.data()).isNull();
        assertThat(refused.error()).startsWith("cannot get sops data key: ")
                .contains(key.fingerprint() + ": FAILED", "could not decrypt data key with PGP key",
                        "decryption failed: No secret key")
                .doesNotContain("aHVudGVyMg==", "dbadmin", "postgres://", "PRIVATE KEY");
        // No key at all: the controller's GnuPG home is empty, never the user's keyring.
        assertThat(oracle.decrypt("yaml", "yaml", encrypted, "").error())
                .contains(key.fingerprint() + ": FAILED", "No secret key");
    }

    @Test
    void aFileForAnAgeRecipientAndAPgpKeyDecryptsWithEitherAlone() throws IOException {
        String encrypted = oracle.encrypt("yaml", SECRET, List.of(keys.recipient()), List.of(ecc), DATA_ONLY);
        assertThat(encrypted).contains("recipient: " + keys.recipient(), "fp: " + ecc.fingerprint());
        assertThat(oracle.decrypt("yaml", "yaml", encrypted, keys.identity(), "").data()).isEqualTo(SECRET);
        assertThat(oracle.decrypt("yaml", "yaml", encrypted, "", ecc.secretKey()).data()).isEqualTo(SECRET);
        // .asc entries of several keys: the one that matches opens it.
        assertThat(oracle.decrypt("yaml", "yaml", encrypted, "", rsa.secretKey() + ecc.secretKey()).data())
                .isEqualTo(SECRET);

        String blob = "not: [yaml\n\u00e9t\u00e9\n";
        String binary = oracle.encrypt("binary", blob, List.of(keys.recipient()), List.of(rsa, ecc),
                SopsOracle.Rules.defaults());
        StringBuilder error = new StringBuilder();
        byte[] bytes = oracle.decryptBytes("binary", "binary", binary, "", rsa.secretKey(), error);
        assertThat(error).isEmpty();
        assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(blob);
    }

    @Test
    void aPassphraseProtectedPgpKeyCannotDecryptAsTheControllerHasNoPassphrase() throws IOException {
        SopsOracle.PgpKeys protectedKey = oracle.pgpKeygen("ecc", "correct horse battery staple");
        assertThat(protectedKey.secretKey()).startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----\n");
        String encrypted = oracle.encrypt("yaml", SECRET, List.of(), List.of(protectedKey), DATA_ONLY);
        SopsOracle.Answer answer = oracle.decrypt("yaml", "yaml", encrypted, "", protectedKey.secretKey());
        assertThat(answer.data()).isNull();
        assertThat(answer.error()).startsWith("cannot get sops data key: ")
                .contains(protectedKey.fingerprint() + ": FAILED", "could not decrypt data key with PGP key")
                .doesNotContain("aHVudGVyMg==", "dbadmin", "postgres://", "correct horse");
    }

    @Test
    void pgpKeysGpgCannotImportAreAnError() throws IOException {
        String encrypted = oracle.encrypt("yaml", SECRET, List.of(), List.of(ecc), DATA_ONLY);
        SopsOracle.Answer answer = oracle.decrypt("yaml", "yaml", encrypted, "", "not an armored key\n");
        assertThat(answer.data()).isNull();
        assertThat(answer.error()).startsWith("failed to import armored key data into GnuPG keyring")
                .contains("no valid OpenPGP data found");
    }

    @Test
    void encryptRefusalsAreExceptions() {
        assertThatThrownBy(() -> oracle.encrypt("yaml", "a: 1\n", List.of(keys.recipient()),
                new SopsOracle.Rules("^a$", "^b$", "", "", "", "", false)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot use more than one of");
    }
}
