package io.fleetwarden.reconcile.kustomize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.render.FluxOverlay;
import io.fleetwarden.render.Limits;
import io.fleetwarden.render.RenderException;
import io.fleetwarden.render.SourceTree;
import io.fleetwarden.render.Yaml;
import io.fleetwarden.sops.AgeIdentity;
import io.fleetwarden.sops.SopsDecryptor;
import io.fleetwarden.testing.SopsOracle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where kustomize-controller decrypts: which files before the build (the generators' sources and patch files of every
 * kustomization it reaches through resources and components, nothing else), which objects after it (SOPS documents,
 * Secret entries that are encrypted files, unless the object opts out), and what it refuses.
 */
class SopsDecryptionTest {

    private static SopsOracle oracle;
    private static SopsOracle.Keys keys;
    private static SopsDecryption decryption;

    @BeforeAll
    static void start() throws IOException {
        oracle = new SopsOracle();
        keys = oracle.keygen();
        decryption = new SopsDecryption(new SopsDecryptor(AgeIdentity.parseFile(keys.identity()), "the test's keys"));
    }

    @AfterAll
    static void stop() throws IOException {
        oracle.close();
    }

    private static String encrypt(String format, String plain) throws IOException {
        return oracle.encrypt(format, plain, List.of(keys.recipient()), SopsOracle.Rules.defaults());
    }

    @Test
    void sourcesAreDecryptedWhereverTheKustomizationsReachThemAndOnlyThere() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("app/kustomization.yaml", """
                resources: [../base]
                components: [../component]
                patches:
                  - path: patch.yaml
                    target: {kind: ConfigMap, name: cm}
                """);
        files.put("app/patch.yaml", encrypt("yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                    name: cm
                data:
                    patched: from-an-encrypted-patch
                """)); // every value encrypted, sops's default
        files.put("base/kustomization.yaml",
                "resources: [cm.yaml]\nsecretGenerator:\n  - name: env\n    envs: [vars]\n");
        files.put("base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n");
        files.put("base/vars", encrypt("dotenv", "USER=u\nPASS=from-an-env-file-without-extension\n"));
        files.put("component/kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1alpha1
                kind: Component
                secretGenerator:
                  - name: file
                    files: [cert.json=cert.json]
                """);
        files.put("component/cert.json", encrypt("json", "{\"key\": \"from-a-json-file\"}"));
        files.put("unreached/secret.env", encrypt("dotenv", "X=never-read\n"));

        SourceTree tree = tree(files);
        SourceTree decrypted = decryption.sources(tree, "app");
        assertThat(text(decrypted, "base/vars")).isEqualTo("USER=u\nPASS=from-an-env-file-without-extension\n");
        assertThat(text(decrypted, "component/cert.json")).isEqualTo("{\n\t\"key\": \"from-a-json-file\"\n}\n");
        assertThat(text(decrypted, "app/patch.yaml")).contains("from-an-encrypted-patch").doesNotContain("sops");
        assertThat(text(decrypted, "unreached/secret.env")).contains("sops_mac=ENC[");

        List<ObjectNode> objects = FluxOverlay.NONE.build(tree, "app", Limits.DEFAULT,
                t -> decryption.sources(t, "app"));
        assertThat(objects).anySatisfy(o -> assertThat(o.path("data").path("patched").asText())
                .isEqualTo("from-an-encrypted-patch"));
        assertThat(objects).anySatisfy(o -> assertThat(decode(o, "PASS"))
                .isEqualTo("from-an-env-file-without-extension"));
    }

    @Test
    void aSourceThatCannotBeDecryptedFailsTheBuildNamingTheFileAndKustomization() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("kustomization.yaml", "secretGenerator:\n  - name: s\n    files: [config.yaml]\n");
        files.put("config.yaml", encrypt("yaml", "password: not-in-any-message\n"));
        assertThatThrownBy(() -> decryption.sources(tree(files), ""))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("kustomization.yaml")
                .hasMessageContaining("decrypting 'config.yaml': SOPS-encrypted YAML is decrypted in engine mode only "
                        + "where it is read as objects")
                .hasMessageNotContaining("not-in-any-message");

        files.put("kustomization.yaml", "secretGenerator:\n  - name: s\n    envs: [missing.env]\n");
        assertThatThrownBy(() -> decryption.sources(tree(files), ""))
                .hasMessageContaining("'missing.env' does not exist");

        files.put("kustomization.yaml", "resources: [plain]\n");
        files.put("plain/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
        assertThatThrownBy(() -> decryption.sources(tree(files), ""))
                .hasMessageContaining("plain: no kustomization file found");
    }

    @Test
    void objectsAreDecryptedUnlessTheyOptOutAndSecretEntriesByTheirKeysFormat() throws IOException {
        ObjectNode encrypted = Yaml.object("s.yaml", oracle.encrypt("yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: db}
                stringData: {password: opened}
                """, List.of(keys.recipient()), SopsOracle.Rules.encryptedRegex("^stringData$"))
                .getBytes(StandardCharsets.UTF_8));
        ObjectNode optedOut = encrypted.deepCopy();
        optedOut.with("metadata").with("annotations").put("kustomize.toolkit.fluxcd.io/decrypt", "Disabled");
        String env = encrypt("dotenv", "A=opened-entry\n");
        ObjectNode secret = Yaml.object("e.yaml", ("""
                apiVersion: v1
                kind: Secret
                metadata: {name: entries}
                data:
                  vars.env: %s
                  wrapped.env: "%s"
                  not-base64: "!!"
                  plain: %s
                """.formatted(b64(env), b64(env).replaceAll("(.{70})", "$1\\\\n"), b64("nothing to see")))
                .getBytes(StandardCharsets.UTF_8));

        List<ObjectNode> out = decryption.objects(List.of(encrypted, optedOut, secret));
        assertThat(out.get(0).path("stringData").path("password").asText()).isEqualTo("opened");
        assertThat(out.get(0).has("sops")).isFalse();
        assertThat(out.get(1)).isSameAs(optedOut);
        assertThat(decode(out.get(2), "vars.env")).isEqualTo("A=opened-entry\n");
        // kustomize writes a long value in lines of 70 characters; Go reads it back, and so must we
        assertThat(decode(out.get(2), "wrapped.env")).isEqualTo("A=opened-entry\n");
        assertThat(out.get(2).path("data").path("not-base64").asText()).isEqualTo("!!");
        assertThat(decode(out.get(2), "plain")).isEqualTo("nothing to see");

        ObjectNode yamlEntry = Yaml.object("y.yaml", ("apiVersion: v1\nkind: Secret\nmetadata: {name: y}\ndata:\n"
                + "  config.yaml: " + b64(encrypt("yaml", "k: hidden-value\n")) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> decryption.objects(List.of(yamlEntry)))
                .hasMessageStartingWith("decryption failed for Secret//y: Secret field 'config.yaml': SOPS-encrypted "
                        + "YAML is decrypted in engine mode only where it is read as objects")
                .hasMessageNotContaining("hidden-value");
    }

    @Test
    void theKeysAreTheAgekeyEntriesAndABadOneIsNamedWithoutShowingIt() throws IOException {
        String where = "sops decryption Secret 'a/sops-age'";
        Map<String, String> data = new LinkedHashMap<>();
        data.put("identity.asc", b64(oracle.pgpKeygen("ecc", "").secretKey()));
        data.put("sops.vault-token", b64("not read: Vault is not engine mode's"));
        data.put("age.agekey", b64("# key\n" + keys.identity() + "\n"));
        SopsDecryption ok = SopsDecryption.fromSecretData(data, where);
        assertThat(ok.objects(List.of(Yaml.object("s.yaml", encrypt("yaml", "apiVersion: v1\nkind: Secret\n"
                + "metadata: {name: s}\nstringData: {k: opened-with-the-secret's-key}\n")
                .getBytes(StandardCharsets.UTF_8)))).get(0).path("stringData").path("k").asText())
                .isEqualTo("opened-with-the-secret's-key");

        String key = keys.identity();
        String altered = key.substring(0, key.length() - 1) + (key.endsWith("Q") ? "P" : "Q");
        data.put("second.agekey", b64("\n" + altered + "\n"));
        assertThatThrownBy(() -> SopsDecryption.fromSecretData(data, where))
                .hasMessageStartingWith("failed to import 'second.agekey' data from " + where + ": line 2: malformed "
                        + "secret key")
                .hasMessageNotContaining(keys.identity().substring(16, 40));

        data.remove("second.agekey");
        data.put("garbage.asc", b64("not a key"));
        assertThatThrownBy(() -> SopsDecryption.fromSecretData(data, where))
                .hasMessage("failed to import 'garbage.asc' data from " + where + ": no valid OpenPGP data found");
        data.remove("garbage.asc");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < SopsDecryption.MAX_IDENTITIES; i++) {
            many.append(oracle.keygen().identity()).append('\n');
        }
        data.put("many.agekey", b64(many.toString()));
        assertThatThrownBy(() -> SopsDecryption.fromSecretData(data, where))
                // 100 age identities, and the ECC PGP key's primary key and subkey
                .hasMessage(where + " holds 103 keys, more than the 100 engine mode tries");
    }

    private static SourceTree tree(Map<String, String> files) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
        return SourceTree.of(bytes);
    }

    private static String text(SourceTree tree, String path) {
        return new String(tree.read(path).orElseThrow(), StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(ObjectNode secret, String key) {
        return secret.path("data").has(key)
                ? new String(Base64.getDecoder().decode(secret.path("data").path(key).asText()), StandardCharsets.UTF_8)
                : "";
    }
}
