package io.fleetwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.TestNamespaces;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetwarden diff kustomization} against the real API server, run in-process as a user runs it. */
class DiffCommandTest {

    private static ControlPlane plane;
    private static KubernetesClient admin;
    private static Path kubeconfig;

    @TempDir
    Path dir;
    private String ns;

    @BeforeAll
    static void start(@TempDir Path shared) throws IOException {
        plane = ControlPlane.shared();
        admin = plane.adminClient();
        kubeconfig = Files.writeString(shared.resolve("admin.kubeconfig"), plane.adminKubeconfig());
    }

    @AfterAll
    static void stop() {
        admin.close();
    }

    @BeforeEach
    void namespace() {
        ns = TestNamespaces.create(admin, "diff");
    }

    record Result(int code, String out, String err) {
    }

    private Result diff(String... extra) {
        List<String> args = new ArrayList<>(List.of("--kubeconfig", kubeconfig.toString()));
        args.addAll(List.of(extra));
        return diffWith(args);
    }

    private Result diffWith(List<String> options) {
        List<String> args = new ArrayList<>(List.of("diff", "kustomization", dir.toString(), "--root", dir.toString()));
        args.addAll(options);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FleetwardenCli.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private void manifest(String name, String yaml) throws IOException {
        Files.writeString(dir.resolve(name), yaml);
    }

    private String configMap(String value) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: %s}
                data: {key: "%s"}
                """.formatted(ns, value);
    }

    /** As kustomize-controller applies: server-side, its field manager, conflicts forced. */
    private void applyAsFlux(String yaml) {
        admin.resource(yaml).fieldManager("kustomize-controller").forceConflicts().serverSideApply();
    }

    @Test
    void aNewObjectIsCreatedAndTheDryRunCreatesNothing() throws IOException {
        manifest("settings.yaml", configMap("one"));
        Result r = diff();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("► ConfigMap/" + ns + "/settings created\n");
        assertThat(r.code()).isEqualTo(1);
        assertThat(admin.configMaps().inNamespace(ns).withName("settings").get()).isNull();
    }

    @Test
    void anAppliedThenEditedObjectHasDriftedAndTheDiffShowsTheLine() throws IOException {
        manifest("settings.yaml", configMap("one"));
        applyAsFlux(configMap("one"));
        admin.configMaps().inNamespace(ns).withName("settings").edit(c -> {
            c.getData().put("key", "edited by hand");
            return c;
        });
        Result r = diff();
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isEqualTo(1);
        String subject = "ConfigMap/" + ns + "/settings";
        assertThat(r.out()).startsWith("► " + subject + " drifted\n--- " + subject + " (live)\n+++ " + subject
                + " (after apply)\n@@ ").contains("\n-  key: edited by hand\n+  key: one\n")
                .doesNotContain("managedFields", "resourceVersion", "creationTimestamp", "uid:");
    }

    @Test
    void anUnchangedObjectPrintsNothingAndExits0() throws IOException {
        manifest("settings.yaml", configMap("one"));
        applyAsFlux(configMap("one"));
        Result r = diff();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEmpty();
        assertThat(r.code()).isZero();
    }

    @Test
    void aSecretsValuesAreNeverPrintedOnlyWhichKeysChanged() throws IOException {
        String old = "old-hunter2";
        String now = "new-hunter2";
        applyAsFlux(secret("stringData: {user: admin, password: %s, token: gone-value}".formatted(old)));
        // kubectl apply keeps the whole manifest, values included, in this annotation.
        admin.secrets().inNamespace(ns).withName("db").edit(s -> {
            s.getMetadata().getAnnotations().put("kubectl.kubernetes.io/last-applied-configuration",
                    "{\"stringData\":{\"password\":\"" + old + "\"}}");
            return s;
        });
        manifest("db.yaml", secret("stringData: {user: admin, password: %s, extra: new-value}".formatted(now)));
        Result r = diff();
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isEqualTo(1);
        // token stays: stringData is write-only, so no field manager owns "token" to remove it (as with Flux).
        assertThat(r.out()).startsWith("► Secret/" + ns + "/db drifted\n").contains("""
                 data:
                -  password: "***** (before)"
                +  extra: "*****"
                +  password: "***** (after)"
                   token: "*****"
                   user: "*****"
                """);
        for (String value : List.of(old, now, "admin", "gone-value", "new-value")) {
            assertThat(r.out()).doesNotContain(value).doesNotContain(base64(value));
        }
    }

    private String secret(String data) {
        return """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: db
                  namespace: %s
                  annotations: {team: platform}
                %s
                """.formatted(ns, data);
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void asAServiceAccountWithoutRightsIsForbiddenNamingTheObject() throws IOException {
        admin.resource(new ServiceAccountBuilder().withNewMetadata().withName("nobody").withNamespace(ns).endMetadata()
                .build()).create();
        manifest("settings.yaml", configMap("one"));
        Result r = diff("--as", "nobody", "--namespace", ns);
        assertThat(r.out()).isEmpty();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("fleetwarden diff kustomization: serviceaccount " + ns + "/nobody cannot get "
                + "ConfigMap \"settings\" in namespace " + ns + ": ")
                .contains("User \"system:serviceaccount:" + ns + ":nobody\" cannot get resource \"configmaps\"");
    }

    @Test
    void asAServiceAccountWithRightsTheDryRunIsItsOwn() throws IOException {
        admin.resource(new ServiceAccountBuilder().withNewMetadata().withName("deployer").withNamespace(ns)
                .endMetadata().build()).create();
        admin.resource(new RoleBindingBuilder().withNewMetadata().withName("deployer").withNamespace(ns).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("edit")
                .endRoleRef().addNewSubject().withKind("ServiceAccount").withName("deployer").withNamespace(ns)
                .endSubject().build()).create();
        manifest("settings.yaml", configMap("one"));
        manifest("role.yaml", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: %s-reader}
                rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
                """.formatted(ns));
        Result r = diff("--as", "deployer", "--namespace", ns);
        assertThat(r.out()).isEqualTo("► ConfigMap/" + ns + "/settings created\n");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("fleetwarden diff kustomization: serviceaccount " + ns + "/deployer cannot get "
                + "ClusterRole \"" + ns + "-reader\" (cluster-scoped): " + "clusterroles.rbac.authorization.k8s.io \""
                + ns + "-reader\" is forbidden: User \"system:serviceaccount:" + ns + ":deployer\" cannot get resource "
                + "\"clusterroles\" in API group \"rbac.authorization.k8s.io\" at the cluster scope\n");
    }

    @Test
    void aNamespaceAndItsObjectsCreatedByTheSameBuildAreCreated() throws IOException {
        String fresh = ns + "-new";
        manifest("namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + fresh + "}\n");
        manifest("settings.yaml", configMap("one").replace("namespace: " + ns, "namespace: " + fresh));
        Result r = diff();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("► Namespace/" + fresh + " created\n► ConfigMap/" + fresh + "/settings created\n");
        assertThat(r.code()).isEqualTo(1);
    }

    @Test
    void objectsOfADefinitionTheSameBuildCreatesAreCreated() throws IOException {
        String group = ns + ".example.com";
        manifest("crd.yaml", """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: gadgets.%1$s}
                spec:
                  group: %1$s
                  scope: Namespaced
                  names: {kind: Gadget, plural: gadgets, singular: gadget, listKind: GadgetList}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                """.formatted(group));
        manifest("gadget.yaml", "apiVersion: " + group + "/v1\nkind: Gadget\nmetadata: {name: g, namespace: " + ns
                + "}\n");
        Result r = diff();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("► CustomResourceDefinition/gadgets." + group + " created\n► Gadget/" + ns
                + "/g created\n");
        assertThat(r.code()).isEqualTo(1);
    }

    @Test
    void anObjectTheApiServerCannotTakeIsAnErrorNamingItAndTheOthersAreStillShown() throws IOException {
        manifest("settings.yaml", configMap("one"));
        manifest("widget.yaml", "apiVersion: example.invalid/v1\nkind: Widget\nmetadata: {name: w, namespace: " + ns
                + "}\n");
        Result r = diff();
        assertThat(r.out()).isEqualTo("► ConfigMap/" + ns + "/settings created\n");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("fleetwarden diff kustomization: Widget " + ns + "/w: the API server serves no "
                + "kind Widget in example.invalid/v1");
    }

    @Test
    void targetNamespaceAndSubstitutionAreTheBuildsOfBuildKustomization() throws IOException {
        manifest("settings.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                data: {key: "${VALUE}"}
                """);
        applyAsFlux(configMap("one"));
        assertThat(diff("--target-namespace", ns, "--substitute", "VALUE=one").code()).isZero();
        Result changed = diff("--target-namespace", ns, "--substitute", "VALUE=two");
        assertThat(changed.code()).isEqualTo(1);
        assertThat(changed.out()).contains("\n-  key: one\n+  key: two\n");
    }

    @Test
    void ownerLabelsOfTheKustomizationAreNotShownAsRemoved() throws IOException {
        manifest("settings.yaml", configMap("one"));
        applyAsFlux(configMap("one").replace("metadata: {", "metadata: {labels: {kustomize.toolkit.fluxcd.io/name: "
                + "apps, kustomize.toolkit.fluxcd.io/namespace: flux-system}, "));
        Result without = diff();
        assertThat(without.code()).isEqualTo(1);
        assertThat(without.out()).contains("-    kustomize.toolkit.fluxcd.io/name: apps\n");
        Result with = diff("--kustomization", "apps", "--namespace", "flux-system");
        assertThat(with.err()).isEmpty();
        assertThat(with.out()).isEmpty();
        assertThat(with.code()).isZero();
    }

    @Test
    void anUnreachableClusterIsOneErrorNamingTheFirstObject() throws IOException {
        manifest("settings.yaml", configMap("one"));
        manifest("other.yaml", configMap("two").replace("name: settings", "name: other"));
        String server = plane.url().toString().replaceAll("/+$", "");
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Path unreachable = Files.writeString(dir.resolve("unreachable.kubeconfig"), plane.adminKubeconfig()
                .replace(server, "https://127.0.0.1:" + closed));
        Result r = diffWith(List.of("--kubeconfig", unreachable.toString()));
        assertThat(r.out()).isEmpty();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("fleetwarden diff kustomization: ConfigMap " + ns + "/other: ")
                .contains("got no answer from the API server").endsWith("; 1 more object not asked\n");
    }

    @Test
    void aMissingKubeconfigOrContextIsAUsageErrorNamingIt() throws IOException {
        manifest("settings.yaml", configMap("one"));
        Path missing = dir.resolve("nowhere.kubeconfig");
        Result r = diffWith(List.of("--kubeconfig", missing.toString()));
        assertThat(r.code()).isEqualTo(64);
        assertThat(r.err()).isEqualTo("fleetwarden diff kustomization: --kubeconfig " + missing + ": no such file\n");
        Result context = diff("--context", "staging");
        assertThat(context.code()).isEqualTo(64);
        assertThat(context.err()).isEqualTo("fleetwarden diff kustomization: --kubeconfig " + kubeconfig
                + ": no context named 'staging'\n");
    }

    @Test
    void usageErrorsExit64() throws IOException {
        manifest("settings.yaml", configMap("one"));
        assertThat(diff("--as", "deployer").err()).isEqualTo("fleetwarden diff kustomization: --as needs --namespace NS "
                + "(the Kustomization's namespace)\n");
        assertThat(diff("--as", "a:b", "--namespace", ns).code()).isEqualTo(64);
        assertThat(diff("--namespace", ns).code()).isEqualTo(64);
        assertThat(diff("--substitute", "novalue").code()).isEqualTo(64);
        StringWriter err = new StringWriter();
        assertThat(FleetwardenCli.run(new String[] {"diff"}, new PrintWriter(new StringWriter()), new PrintWriter(err)))
                .isEqualTo(64);
    }

    @Test
    void theHelpSaysThatThisCommandContactsACluster() {
        StringWriter out = new StringWriter();
        assertThat(FleetwardenCli.run(new String[] {"diff", "kustomization", "--help"}, new PrintWriter(out),
                new PrintWriter(new StringWriter()))).isZero();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("Unlike the other commands, this one contacts a "
                + "cluster, with the kubeconfig's credentials").contains("it changes nothing there")
                .contains("1 changes found");
    }

    @Test
    void aRefusedBuildIsAnErrorNotAChange() throws IOException {
        manifest("kustomization.yaml", "resources:\n- https://github.com/acme/x//base\n");
        Result r = diff();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("fleetwarden diff kustomization: build refused: kustomization.yaml: "
                + "resources[0]: remote location");
    }
}
