package io.fleetwarden.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    private static SopsOracle oracle;
    private static SopsOracle.Keys keys;

    @BeforeAll
    static void startOracle() throws IOException {
        oracle = new SopsOracle();
        keys = oracle.keygen();
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
    void encryptRefusalsAreExceptions() {
        assertThatThrownBy(() -> oracle.encrypt("yaml", "a: 1\n", List.of(keys.recipient()),
                new SopsOracle.Rules("^a$", "^b$", "", "", "", "", false)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot use more than one of");
    }
}
