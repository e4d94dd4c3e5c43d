package io.fleetwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.testing.cluster.Components;
import io.fleetwarden.testing.cluster.GateOnCluster;
import io.fleetwarden.testing.cluster.Kubectl;
import io.fleetwarden.testing.cluster.TestNamespaces;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A misspelt optional field of a policy ({@code github.workfow} for {@code github.workflow}) on the real API server,
 * with the packaged service as the policy webhook, applied as a person does ({@code kubectl apply}, client-side and
 * server-side) and as Flux does (kustomize-controller's server-side apply: an apply patch with force and its field
 * manager, dry run first, no field validation asked for), and as a client that asks for none (a plain create).
 *
 * <p>With a schema that prunes unknown fields (the shipped CRD with every {@code x-kubernetes-preserve-unknown-fields}
 * removed, which is the schema as shipped until now),
 * strict field validation refuses the field, and server-side apply refuses to build its typed patch; but a client
 * that does not ask for strict validation (the API server's default is Warn: a warning header, then pruning) gets
 * the field pruned before any webhook sees it, and the policy is stored, compiled and in force without the
 * workflow restriction it was written with: wider than written, and nothing tells the person who wrote it.
 *
 * <p>So the shipped schema keeps unknown fields in every object of a policy's spec: whatever the client asks for,
 * the field reaches the policy webhook, whose strict reader refuses the policy with the field's path.
 */
class UnknownPolicyFieldsIT {

    private static final String MISSPELT = "spec.authorities[0].keyless.github.workfow";
    private static final String CRD = "deploy/base/crds/artifactpolicies.fleetwarden.io.yaml";

    private static GateOnCluster gate;
    private static KubernetesClient admin;
    private static Kubectl kubectl;
    private static Path dir;
    private static int counter;

    @BeforeAll
    static void start() throws Exception {
        gate = GateOnCluster.shared();
        admin = gate.plane().adminClient();
        dir = Files.createDirectories(gate.plane().dir().resolve("unknown-fields"));
        kubectl = new Kubectl(Components.locate().kubectl(),
                Files.writeString(dir.resolve("admin.kubeconfig"), gate.plane().adminKubeconfig()));
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    @Test
    void aPruningSchemaRefusesTheFieldOnlyWhenTheClientAsksAndOtherwiseDropsItBeforeTheWebhookWideningThePolicy()
            throws Exception {
        installArtifactPolicyCrd(Files.readString(Components.repositoryRoot().resolve(CRD))
                .replaceAll("(?m)^\\s*x-kubernetes-preserve-unknown-fields: true\\n", ""));
        try {
            // kubectl apply (client-side, --validate=strict by default): the API server's strict decoding refuses it.
            String name = unique("kubectl");
            Kubectl.Result apply = kubectl.run("apply", "-f", write(name, "workfow").toString());
            assertThat(apply.exit()).isNotZero();
            assertThat(apply.output()).contains("strict decoding error: unknown field \"" + MISSPELT + "\"")
                    .doesNotContain("admission webhook");

            // Server-side apply, kubectl's and Flux's (dry run first, then for real): no typed patch can be built.
            Kubectl.Result serverSide = kubectl.run("apply", "--server-side", "--field-manager=kustomize-controller",
                    "-f", write(name, "workfow").toString());
            assertThat(serverSide.exit()).isNotZero();
            assertThat(serverSide.output()).contains("." + MISSPELT + ": field not declared in schema");
            for (boolean dryRun : new boolean[] { true, false }) {
                HttpResponse<String> flux = fluxApply(name, policy(name, "workfow"), dryRun);
                assertThat(flux.code()).as(flux.body()).isEqualTo(500);
                assertThat(flux.body()).contains("failed to create typed patch object")
                        .contains("." + MISSPELT + ": field not declared in schema");
            }
            assertThat(stored(name)).isNull();

            // A client that asks for no field validation: a warning, then the field is pruned before our webhook runs,
            // so the webhook (which refuses unknown fields) admits it and the service puts the policy in force.
            String plain = unique("plain");
            HttpResponse<String> created = create(policy(plain, "workfow"), null);
            assertThat(created.code()).as(created.body()).isEqualTo(201);
            // The header quotes its text: 299 - "unknown field \"spec.authorities[0].keyless.github.workfow\""
            assertThat(String.join(" ", created.headers("Warning"))).contains("unknown field \\\"" + MISSPELT + "\\\"");
            assertWidened(plain);

            // kubectl apply --validate=false (fieldValidation=Ignore): the same, without even the warning.
            String ignored = unique("ignored");
            Kubectl.Result unvalidated = kubectl.run("apply", "--validate=false", "-f", write(ignored, "workfow").toString());
            assertThat(unvalidated.exit()).as(unvalidated.output()).isZero();
            assertThat(unvalidated.output()).doesNotContain("Warning").doesNotContain("workfow");
            assertWidened(ignored);
        } finally {
            installArtifactPolicyCrd(Files.readString(Components.repositoryRoot().resolve(CRD)));
            // A watch opened before a CRD change goes on decoding with the schema it was opened with (seen here: the
            // informer still got pruned objects after requests already saw the new schema), so the service starts
            // again with watches on the shipped schema.
            gate.cluster().stopService();
            gate.cluster().startService();
        }
    }

    @Test
    void theShippedSchemaKeepsTheFieldForThePolicyWebhookWhichRefusesItHoweverThePolicyIsApplied() throws Exception {
        String name = unique("shipped");
        Path file = write(name, "workfow");
        for (String[] args : new String[][] { { "apply", "-f", file.toString() },
                { "apply", "--validate=false", "-f", file.toString() },
                { "apply", "--server-side", "--field-manager=kustomize-controller", "-f", file.toString() } }) {
            Kubectl.Result r = kubectl.run(args);
            assertThat(r.exit()).as("kubectl %s", String.join(" ", args)).isNotZero();
            assertThat(r.output()).as("kubectl %s", String.join(" ", args))
                    .contains("admission webhook \"policy.fleetwarden.io\" denied the request: fleetwarden: ")
                    .containsIgnoringCase("unknown field").contains(MISSPELT);
        }
        for (boolean dryRun : new boolean[] { true, false }) {
            HttpResponse<String> flux = fluxApply(name, policy(name, "workfow"), dryRun);
            assertThat(flux.code()).as(flux.body()).isEqualTo(403);
            assertThat(flux.body()).contains("policy.fleetwarden.io").contains(MISSPELT);
        }
        HttpResponse<String> plain = create(policy(name, "workfow"), null);
        assertThat(plain.code()).as(plain.body()).isEqualTo(403);
        assertThat(plain.body()).contains(MISSPELT);
        assertThat(stored(name)).isNull();

        // A policy in force is not changed by an update carrying the misspelling: Flux's apply is refused.
        HttpResponse<String> good = fluxApply(name, policy(name, "workflow"), false);
        assertThat(good.code()).as(good.body()).isEqualTo(201);
        HttpResponse<String> typo = fluxApply(name, policy(name, "workfow").replace("refs: [refs/heads/main]",
                "workflow: .github/workflows/push-artifact.yaml\n          refs: [refs/heads/main]"), false);
        assertThat(typo.code()).as(typo.body()).isEqualTo(403);
        assertThat(typo.body()).contains(MISSPELT);
        assertThat(github(stored(name))).containsOnlyKeys("repository", "workflow", "refs");
        admin.resource(stored(name)).delete();

        // The same for the TenancyPolicy in force: a misspelt list of reserved service accounts would reserve none.
        String tenancy = Files.readString(Components.repositoryRoot().resolve("policies/tenancy/d2-tenancy.yaml"))
                .replace("defaultServiceAccount: flux", "defaultServiceAccount: flux\n  reservedServiceAcounts: [ci-bot]");
        String json = Serialization.asJson(Serialization.unmarshal(tenancy, GenericKubernetesResource.class));
        HttpRequest request = admin.getHttpClient().newHttpRequestBuilder()
                .uri(admin.getMasterUrl() + "apis/fleetwarden.io/v1alpha1/tenancypolicies/d2-tenancy"
                        + "?fieldManager=kustomize-controller&force=true&dryRun=All")
                .method("PATCH", "application/apply-patch+yaml", json).build();
        HttpResponse<String> tenancyTypo = admin.getHttpClient().sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
        assertThat(tenancyTypo.code()).as(tenancyTypo.body()).isEqualTo(403);
        assertThat(tenancyTypo.body()).contains("policy.fleetwarden.io").contains("spec.reservedServiceAcounts");
    }

    @Test
    void aPolicyStoredWhileThePolicyWebhookWasNotCalledIsNotInForceAndItsStatusSaysWhy() throws Exception {
        String name = unique("break-glass");
        gate.cluster().unregisterWebhooks(); // break glass, as docs/operations.md describes
        try {
            Kubectl.Result apply = kubectl.run("apply", "-f", write(name, "workfow").toString());
            assertThat(apply.exit()).as(apply.output()).isZero();
            // Every replica reads it as strictly as the webhook would have: not in force, and the leader says why.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(String.valueOf(stored(name)
                    .<Object>get("status"))).contains("status=False").contains("reason=Invalid")
                    .contains("not in force: ").contains(MISSPELT));
            Kubectl.Result shown = kubectl.run("get", "artifactpolicy", name, "-o", "wide");
            assertThat(shown.output()).containsPattern(name + "\\s+\\S+\\s+Enforce\\s+False\\s+not in force: ");
            assertThat(github(stored(name))).containsKey("workfow");

            // Not in force does not mean not there: what it names stays refused, even where another policy would
            // admit it (here one that allows the whole registry unsigned), until it is fixed or deleted.
            gate.cluster().registerWebhooks();
            String allowAll = unique("allow-all");
            admin.resource(Serialization.unmarshal("""
                    apiVersion: fleetwarden.io/v1alpha1
                    kind: ArtifactPolicy
                    metadata: {name: %s}
                    spec:
                      sources: ["oci://unknown-fields.invalid/*"]
                      mode: Allow
                    """.formatted(allowAll), GenericKubernetesResource.class)).create();
            try {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(String.valueOf(stored(allowAll)
                        .<Object>get("status"))).contains("status=True"));
                String ns = TestNamespaces.create(admin, "not-in-force");
                GenericKubernetesResource named = Serialization.unmarshal("""
                        apiVersion: source.toolkit.fluxcd.io/v1
                        kind: OCIRepository
                        metadata: {name: app, namespace: %s}
                        spec:
                          interval: 5m
                          url: oci://unknown-fields.invalid/%s/app
                          ref: {tag: latest}
                        """.formatted(ns, name), GenericKubernetesResource.class);
                assertThatThrownBy(() -> admin.resource(named).create())
                        .hasMessageContaining("ArtifactPolicy " + name + " names oci://unknown-fields.invalid/" + name
                                + "/app but is not in force").hasMessageContaining(MISSPELT);
                // Deleting it gives its sources back to the policies in force.
                admin.genericKubernetesResources("fleetwarden.io/v1alpha1", "ArtifactPolicy").withName(name).delete();
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(admin.resource(named).create()
                        .getMetadata().getUid()).isNotBlank());
            } finally {
                admin.genericKubernetesResources("fleetwarden.io/v1alpha1", "ArtifactPolicy").withName(allowAll).delete();
            }
        } finally {
            gate.cluster().registerWebhooks();
            admin.genericKubernetesResources("fleetwarden.io/v1alpha1", "ArtifactPolicy").withName(name).delete();
        }
    }

    /** Stored and compiled without any workflow restriction, and the leader reports it Ready: in force. */
    private static void assertWidened(String name) {
        GenericKubernetesResource stored = stored(name);
        assertThat(stored).isNotNull();
        Map<String, Object> github = github(stored);
        assertThat(github).containsOnlyKeys("repository", "refs");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(String.valueOf(stored(name).<Object>get("status")))
                .contains("status=True").contains("compiled and in force"));
        admin.resource(stored).delete();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> github(GenericKubernetesResource policy) {
        Map<String, Object> spec = policy.get("spec");
        Map<String, Object> authority = ((java.util.List<Map<String, Object>>) spec.get("authorities")).get(0);
        return (Map<String, Object>) ((Map<String, Object>) authority.get("keyless")).get("github");
    }

    static GenericKubernetesResource stored(String name) {
        return admin.genericKubernetesResources("fleetwarden.io/v1alpha1", "ArtifactPolicy").withName(name).get();
    }

    /**
     * Replaces the ArtifactPolicy CRD's schema and waits until the API server serves it: a dry-run create of a policy
     * with an unknown field comes back with the field exactly when the schema keeps unknown fields.
     */
    static void installArtifactPolicyCrd(String yaml) {
        HasMetadata crd = admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items().get(0);
        admin.resource(crd).fieldManager("fleetwarden-tests").forceConflicts().serverSideApply();
        boolean keeps = yaml.contains("x-kubernetes-preserve-unknown-fields: true");
        String probe = unique("schema-probe");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HttpResponse<String> r = create(policy(probe, "workflow").replace("refs: [refs/heads/main]",
                    "refs: [refs/heads/main]\n          schemaProbe: x"), "Ignore&dryRun=All");
            assertThat(r.body().contains("schemaProbe")).as(r.code() + " " + r.body()).isEqualTo(keeps);
        });
    }

    /** Kustomize-controller's apply (fluxcd/pkg/ssa): an apply patch with force, its field manager, no fieldValidation. */
    static HttpResponse<String> fluxApply(String name, String yaml, boolean dryRun) throws Exception {
        return send("PATCH", "/" + name + "?fieldManager=kustomize-controller&force=true" + (dryRun ? "&dryRun=All" : ""),
                "application/apply-patch+yaml", yaml);
    }

    /** A plain POST, with {@code fieldValidation} as given (null: not asked for, the server's default). */
    static HttpResponse<String> create(String yaml, String fieldValidation) throws Exception {
        return send("POST", fieldValidation == null ? "" : "?fieldValidation=" + fieldValidation, "application/json", yaml);
    }

    private static HttpResponse<String> send(String method, String pathAndQuery, String contentType, String yaml)
            throws Exception {
        String json = Serialization.asJson(Serialization.unmarshal(yaml, GenericKubernetesResource.class));
        HttpRequest request = admin.getHttpClient().newHttpRequestBuilder()
                .uri(admin.getMasterUrl() + "apis/fleetwarden.io/v1alpha1/artifactpolicies" + pathAndQuery)
                .method(method, contentType, json).build();
        return admin.getHttpClient().sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
    }

    static String unique(String prefix) {
        return "unknown-fields-" + prefix + "-" + ProcessHandle.current().pid() + "-" + ++counter;
    }

    static Path write(String name, String workflowField) throws Exception {
        return Files.writeString(dir.resolve(name + ".yaml"), policy(name, workflowField));
    }

    /** A policy for a source nobody uses, whose GitHub workflow restriction is spelt {@code workflowField}. */
    static String policy(String name, String workflowField) {
        return """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: %s}
                spec:
                  sources: ["oci://unknown-fields.invalid/%s/*"]
                  authorities:
                    - name: push-artifact.yaml on main
                      keyless:
                        issuer: https://token.actions.githubusercontent.com
                        subjectRegExp: ^https://github\\.com/acme/fleet-apps/\\.github/workflows/.+@refs/heads/main$
                        github:
                          repository: acme/fleet-apps
                          %s: .github/workflows/push-artifact.yaml
                          refs: [refs/heads/main]
                """.formatted(name, name, workflowField);
    }
}
