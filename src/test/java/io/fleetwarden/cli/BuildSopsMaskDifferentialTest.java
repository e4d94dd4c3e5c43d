package io.fleetwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.render.Yaml;
import io.fleetwarden.testing.CachedBuild;
import io.fleetwarden.testing.SopsOracle;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleetwarden build kustomization} against {@code flux build kustomization --dry-run} (flux v2.9.4, built by
 * bin/build-flux-cli) on directories holding SOPS-encrypted Secrets, encrypted by sops itself: the same objects, the
 * encrypted values masked as flux masks them, or both refusing. flux adds its owner labels, which are left out of the
 * comparison.
 */
class BuildSopsMaskDifferentialTest {

    private static SopsOracle oracle;
    private static SopsOracle.Keys keys;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws IOException {
        oracle = new SopsOracle();
        keys = oracle.keygen();
    }

    @AfterAll
    static void stop() throws IOException {
        oracle.close();
    }

    private static String encrypt(String format, String plain, SopsOracle.Rules rules) throws IOException {
        return oracle.encrypt(format, plain, List.of(keys.recipient()), rules);
    }

    @Test
    void encryptedSecretsAreMaskedAsFluxBuildMasksThem() throws Exception {
        SopsOracle.Rules secretValues = SopsOracle.Rules.encryptedRegex("^(data|stringData)$");
        Map<String, Map<String, String>> cases = new LinkedHashMap<>();
        cases.put("a SOPS Secret with data and stringData", Map.of(
                "kustomization.yaml", "resources: [s.yaml]\n",
                "s.yaml", encrypt("yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\n"
                        + "data:\n  password: aHVudGVyMg==\nstringData:\n  user: admin\n", secretValues)));
        cases.put("a SOPS dockerconfigjson Secret", Map.of(
                "kustomization.yaml", "resources: [s.yaml]\n",
                "s.yaml", encrypt("yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: pull\n"
                        + "type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: e30=\n", secretValues)));
        cases.put("generators over an encrypted env file and an encrypted binary file", Map.of(
                "kustomization.yaml", "secretGenerator:\n  - name: env\n    envs: [app.env]\n  - name: token\n"
                        + "    files: [token=token.bin]\n",
                "app.env", encrypt("dotenv", "USER=u\nPASS=p\n", SopsOracle.Rules.defaults()),
                "token.bin", encrypt("binary", "tok\n", SopsOracle.Rules.defaults())));
        cases.put("a plain Secret and a ConfigMap with a sops field", Map.of(
                "kustomization.yaml", "resources: [s.yaml, cm.yaml]\n",
                "s.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain\nstringData:\n  a: b\n"
                        + "  note: mentions sops and ENC[ in clear\ndata:\n  c: ZA==\n",
                "cm.yaml", encrypt("yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n"
                        + "  k: v\n", SopsOracle.Rules.encryptedRegex("^data$"))));
        cases.put("a Secret whose data is not base64", Map.of(
                "kustomization.yaml", "resources: [s.yaml]\n",
                "s.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: bad\ndata:\n  k: '%%%'\n"));
        for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
            Path dir = Files.createDirectories(tmp.resolve("case" + cases.keySet().stream().toList()
                    .indexOf(c.getKey())));
            for (Map.Entry<String, String> f : c.getValue().entrySet()) {
                Files.writeString(dir.resolve(f.getKey()), f.getValue());
            }
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = FleetwardenCli.run(new String[] {"build", "kustomization", dir.toString(), "--root",
                    dir.toString()}, new PrintWriter(out), new PrintWriter(err));
            Flux flux = fluxBuild(dir);
            if (flux.code() != 0) {
                assertThat(code).as("%s: flux fails (%s), so must we", c.getKey(), flux.err()).isNotZero();
                assertThat(err.toString()).as(c.getKey()).contains("failed to mask Secret bad sops data");
                continue;
            }
            assertThat(code).as("%s: %s", c.getKey(), err).isZero();
            List<JsonNode> ours = Yaml.documents("ours", out.toString().getBytes(StandardCharsets.UTF_8));
            List<JsonNode> theirs = new ArrayList<>();
            for (JsonNode o : Yaml.documents("flux", flux.out().getBytes(StandardCharsets.UTF_8))) {
                ObjectNode labels = (ObjectNode) o.path("metadata").path("labels");
                labels.remove(List.of("kustomize.toolkit.fluxcd.io/name", "kustomize.toolkit.fluxcd.io/namespace"));
                if (labels.isEmpty()) {
                    ((ObjectNode) o.path("metadata")).remove("labels");
                }
                theirs.add(o);
            }
            assertThat(ours).as(c.getKey()).isEqualTo(theirs);
            // Only Secrets are masked (a ConfigMap with a sops field is printed as it is, by flux too).
            assertThat(ours).as(c.getKey()).filteredOn(o -> o.path("kind").asText().equals("Secret"))
                    .allSatisfy(o -> assertThat(o.has("sops")).isFalse());
        }
    }

    record Flux(int code, String out, String err) {
    }

    private Flux fluxBuild(Path dir) throws IOException, InterruptedException {
        Path ks = tmp.resolve("ks.yaml");
        Files.writeString(ks, """
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: app, namespace: flux-system}
                spec:
                  interval: 10m
                  path: ./
                  sourceRef: {kind: OCIRepository, name: source}
                  decryption: {provider: sops}
                """);
        Path binary = CachedBuild.folder("bin/build-flux-cli", "fleetwarden.flux-cli", 30).resolve("flux");
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "build", "kustomization", "app", "--path",
                dir.toString(), "--kustomization-file", ks.toString(), "--dry-run");
        // flux reads no cluster with --dry-run; a home of its own keeps it from any kubeconfig of the machine.
        pb.environment().put("HOME", tmp.toString());
        pb.environment().remove("KUBECONFIG");
        Path stdout = tmp.resolve("flux.out");
        Path stderr = tmp.resolve("flux.err");
        Process p = pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("flux build did not finish in 60 s");
        }
        return new Flux(p.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }
}
