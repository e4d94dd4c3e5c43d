package io.fleetwarden.sops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.testing.SopsOracle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What engine mode refuses, and how it says so: keys it cannot use, identities that do not parse, documents over the
 * limits. No message holds a key or a decrypted value.
 */
class SopsDecryptorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static SopsOracle oracle;
    private static SopsOracle.Keys keys;

    @BeforeAll
    static void start() throws IOException {
        oracle = new SopsOracle();
        keys = oracle.keygen();
    }

    @AfterAll
    static void stop() throws IOException {
        oracle.close();
    }

    private static ObjectNode encrypted() throws IOException {
        return (ObjectNode) JSON.readTree(oracle.encrypt("json", "{\"password\": \"s3cret-value\"}",
                List.of(keys.recipient()), SopsOracle.Rules.defaults()));
    }

    @Test
    void identitiesThatDoNotParseAreNamedByLineAndNeverShown() {
        String key = keys.identity();
        assertThat(AgeIdentity.parseFile("# comment\n\n" + key + "\r\n")).hasSize(1);
        String altered = key.substring(0, key.length() - 1) + (key.endsWith("Q") ? "P" : "Q");
        assertThatThrownBy(() -> AgeIdentity.parseFile("# ok\n" + altered + "\n"))
                .hasMessage("line 2: malformed secret key: invalid checksum");
        assertThatThrownBy(() -> AgeIdentity.parseFile(key.substring(0, 20) + key.substring(20).toLowerCase()))
                .hasMessage("line 1: malformed secret key: mixed case");
        assertThatThrownBy(() -> AgeIdentity.parseFile(" " + key))
                .hasMessage("line 1: unknown identity type");
        assertThatThrownBy(() -> AgeIdentity.parseFile(key + " "))
                .hasMessage("line 1: malformed secret key: invalid character in the data part")
                .hasMessageNotContaining(key.substring(16));
        assertThatThrownBy(() -> AgeIdentity.parseFile("AGE-SECRET-KEY-PQ-1ABC"))
                .hasMessage("line 1: post-quantum age identities (AGE-SECRET-KEY-PQ-1) are not supported in engine "
                        + "mode");
        assertThatThrownBy(() -> AgeIdentity.parseFile("AGE-PLUGIN-YUBIKEY-1ABC"))
                .hasMessage("line 1: age plugin identities are not supported in engine mode");
        assertThat(AgeIdentity.parseFile(key).get(0).toString()).isEqualTo("age identity (X25519)");
    }

    @Test
    void aDocumentNoIdentityOpensIsRefusedNamingTheRecipientsAndTheKeySource() throws IOException {
        SopsOracle.Keys stranger = oracle.keygen();
        SopsDecryptor wrong = new SopsDecryptor(AgeIdentity.parseFile(stranger.identity()), "Secret 'a/sops-age'");
        assertThatThrownBy(() -> wrong.decryptObject(encrypted()))
                .hasMessage("cannot get the sops data key: no key of Secret 'a/sops-age' decrypts it ("
                        + keys.recipient() + ": no identity matches)");
        SopsDecryptor none = new SopsDecryptor(List.of(), "no Secret");
        assertThatThrownBy(() -> none.decryptObject(encrypted()))
                .hasMessageStartingWith("cannot get the sops data key: no key is configured");
    }

    @Test
    void keysEngineModeCannotUseAreRefusedByName() throws Exception {
        SopsDecryptor decryptor = new SopsDecryptor(AgeIdentity.parseFile(keys.identity()), "the keys");
        ObjectNode kmsOnly = encrypted();
        ObjectNode sops = (ObjectNode) kmsOnly.get("sops");
        sops.remove("age");
        sops.putArray("hc_vault").addObject().put("vault_address", "https://vault:8200").put("enc", "x");
        sops.putArray("kms").addObject().put("arn", "arn:aws:kms:eu-west-1:1:key/k").put("enc", "y");
        assertThatThrownBy(() -> decryptor.decryptObject(kmsOnly))
                .hasMessage("cannot get the sops data key: the document is encrypted only for [kms, hc_vault], and "
                        + "engine mode decrypts with age and PGP keys only");

        ObjectNode shamir = encrypted();
        ObjectNode meta = (ObjectNode) shamir.get("sops");
        var age = meta.remove("age");
        meta.putArray("key_groups").add(JSON.createObjectNode().set("age", age))
                .add(JSON.createObjectNode().set("age", age));
        meta.put("shamir_threshold", 2);
        assertThatThrownBy(() -> decryptor.decryptObject(shamir))
                .hasMessage("cannot get the sops data key: the document uses 2 key groups (Shamir secret sharing), "
                        + "which engine mode does not support");

        ObjectNode oneGroup = encrypted();
        ObjectNode m = (ObjectNode) oneGroup.get("sops");
        m.putArray("key_groups").add(JSON.createObjectNode().set("age", m.remove("age")));
        assertThat(decryptor.decryptObject(oneGroup).path("password").asText()).isEqualTo("s3cret-value");
    }

    @Test
    void pgpKeysThatCannotOpenTheDataKeySaySoWithoutKeyMaterial() throws Exception {
        SopsOracle.PgpKeys locked = oracle.pgpKeygen("ecc", "a passphrase");
        SopsOracle.PgpKeys stranger = oracle.pgpKeygen("ecc", "");
        ObjectNode doc = (ObjectNode) JSON.readTree(oracle.encrypt("json", "{\"password\": \"s3cret-value\"}",
                List.of(), List.of(locked), SopsOracle.Rules.defaults()));
        SopsDecryptor withLocked = new SopsDecryptor(List.of(),
                PgpKeys.parse(locked.secretKey().getBytes(StandardCharsets.UTF_8)), "Secret 'a/sops-gpg'");
        assertThatThrownBy(() -> withLocked.decryptObject(doc))
                .hasMessageStartingWith("cannot get the sops data key: no key of Secret 'a/sops-gpg' decrypts it (PGP "
                        + locked.fingerprint() + ": PGP key ")
                .hasMessageContaining("is protected by a passphrase, which engine mode (like kustomize-controller) "
                        + "cannot give")
                .hasMessageNotContaining("s3cret");
        SopsDecryptor withStranger = new SopsDecryptor(List.of(),
                PgpKeys.parse((stranger.publicKey() + stranger.secretKey()).getBytes(StandardCharsets.UTF_8)), "keys");
        assertThatThrownBy(() -> withStranger.decryptObject(doc))
                .hasMessage("cannot get the sops data key: no key of keys decrypts it (PGP " + locked.fingerprint()
                        + ": no PGP key matches the message's recipients)");
        assertThatThrownBy(() -> PgpKeys.parse(("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nnot base64 at all\n"
                + "-----END PGP PRIVATE KEY BLOCK-----\n").getBytes(StandardCharsets.UTF_8)))
                .hasMessage("not readable as OpenPGP keys");
        assertThatThrownBy(() -> PgpKeys.parse(oracle.encrypt("binary", "x", List.of(), List.of(stranger),
                SopsOracle.Rules.defaults()).getBytes(StandardCharsets.UTF_8)))
                .hasMessage("not readable as OpenPGP keys");
    }

    @Test
    void malformedDocumentsAndValuesAreRefusedWithoutTheirContent() throws IOException {
        SopsDecryptor decryptor = new SopsDecryptor(AgeIdentity.parseFile(keys.identity()), "the keys");
        ObjectNode doc = encrypted();
        doc.put("password", "s3cret-value-in-clear");
        assertThatThrownBy(() -> decryptor.decryptObject(doc))
                .hasMessage("the value at 'password:' is not in SOPS's encrypted format (is it unencrypted where the "
                        + "file's rules say it must be encrypted?)");
        ObjectNode number = encrypted();
        number.put("password", 42);
        assertThatThrownBy(() -> decryptor.decryptObject(number))
                .hasMessage("the value at 'password:' should be encrypted (a string) but is a number");
        ObjectNode noKeys = encrypted();
        ((ObjectNode) noKeys.get("sops")).remove("age");
        assertThatThrownBy(() -> decryptor.decryptObject(noKeys)).hasMessage("no keys found in the sops metadata");
        ObjectNode twoRules = encrypted();
        ((ObjectNode) twoRules.get("sops")).put("encrypted_regex", "^data$");
        assertThatThrownBy(() -> decryptor.decryptObject(twoRules))
                .hasMessageStartingWith("cannot use more than one of");
        assertThat(SopsDecryptor.isEncrypted(JSON.createObjectNode().putObject("sops"))).isFalse();

        byte[] large = new byte[SopsDecryptor.MAX_FILE_BYTES + 1];
        assertThatThrownBy(() -> decryptor.decryptFile(large, SopsFormat.JSON, SopsFormat.JSON))
                .hasMessage("cannot decrypt file with size (5242881 bytes) exceeding limit (5242880)");
        assertThatThrownBy(() -> decryptor.decryptFile("{".getBytes(StandardCharsets.UTF_8), SopsFormat.JSON,
                SopsFormat.JSON)).hasMessageStartingWith("failed to load encrypted JSON data: not valid JSON");
        assertThatThrownBy(() -> decryptor.decryptFile("[sops]\n".getBytes(StandardCharsets.UTF_8), SopsFormat.INI,
                SopsFormat.INI)).hasMessage("SOPS-encrypted INI files are not decrypted in engine mode");
    }
}
