package io.fleetwarden.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.reconcile.kustomize.KustomizationSpec;
import io.fleetwarden.testing.D2Fixtures;
import io.fleetwarden.testing.KustomizeControllerOracle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * fleetwarden's Flux layer against kustomize-controller v1.9.4's own code (the oracle built by
 * bin/build-kustomize-controller-oracle, which calls fluxcd/pkg/kustomize's generator, SecureBuild and
 * SubstituteVariables and fluxcd/pkg/ssa's SetCommonMetadata): the same files and the same Flux Kustomization go
 * to both, and the objects must be equal, in order (as JSON trees, after the YAML normalisation of
 * {@link KustomizeDifferentialTest#parse}). Ours runs as {@code KustomizationReconciler.applyRevision} does:
 * {@link KustomizationSpec#of}, {@link FluxOverlay#build}, {@link Substitution#apply}, then
 * {@link FluxOverlay#setCommonMetadata}; owner labels are left out on both sides. Where the oracle fails, we must
 * fail too (only that is compared; both messages are printed). Where they differ, we are wrong.
 *
 * <p>Cases: D2's own Kustomizations over its repositories (as its ResourceSets define them: targetNamespace and the
 * cluster's runtime-info variables, which D2 reads with substituteFrom and the oracle is handed as variables), and a
 * generated corpus: each Flux-layer feature alone over four source trees, then seeded random combinations.
 */
class FluxLayerDifferentialTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path D2 = Path.of("..", "shared", "fixtures", "d2");
    private static KustomizeControllerOracle oracle;

    @BeforeAll
    static void startOracle() throws IOException {
        oracle = new KustomizeControllerOracle();
    }

    @AfterAll
    static void stopOracle() throws IOException {
        if (oracle != null) {
            oracle.close();
        }
    }

    record Case(String name, Map<String, String> files, ObjectNode kustomization, Map<String, String> vars) {
    }

    // ---- D2 ----------------------------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> d2() throws IOException {
        assertThat(D2).as("D2 fixtures").isDirectory();
        List<Case> cases = new ArrayList<>();
        for (String cluster : List.of("staging", "prod-eu", "prod-us")) {
            Map<String, String> info = D2Fixtures.runtimeInfo(cluster);
            String env = info.get("ENVIRONMENT");
            // d2-fleet/tenants/apps.yaml: one OCIRepository per tenant holding d2-apps/components/<tenant>.
            for (String tenant : List.of("frontend", "backend")) {
                cases.add(new Case("d2-apps " + tenant + " " + cluster, files(D2.resolve("d2-apps/components/"
                        + tenant)), d2Tenant("apps", tenant, "./" + env), info));
            }
            // d2-fleet/tenants/infra.yaml: infra-controllers and infra-configs per tenant of d2-infra.
            for (String tenant : List.of("cert-manager", "monitoring")) {
                Map<String, String> files = files(D2.resolve("d2-infra/components/" + tenant));
                cases.add(new Case("d2-infra " + tenant + " controllers " + cluster, files,
                        d2Tenant("infra-controllers", tenant, "./controllers/" + env), info));
                cases.add(new Case("d2-infra " + tenant + " configs " + cluster, files,
                        d2Tenant("infra-configs", tenant, "./configs/" + env), info));
            }
            // d2-fleet/clusters/<cluster>/tenants.yaml, as the cluster defines it.
            ObjectNode tenants = (ObjectNode) D2Fixtures.documents("d2-fleet/clusters/" + cluster + "/tenants.yaml")
                    .get(0);
            cases.add(new Case("d2-fleet tenants " + cluster, files(D2.resolve("d2-fleet")), withoutSubstituteFrom(
                    tenants), info));
        }
        // The clusters' own sync (FluxInstance spec.sync.path): a directory without kustomization.yaml.
        for (String cluster : List.of("staging", "prod-eu", "prod-us", "update")) {
            cases.add(new Case("d2-fleet clusters/" + cluster, files(D2.resolve("d2-fleet")),
                    kustomization(spec("./clusters/" + cluster)), Map.of()));
        }
        assertThat(cases).hasSize(25);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> compare(c)));
    }

    /** The tenant Kustomization of D2's ResourceSets, postBuild's substituteFrom handed over as variables. */
    private static ObjectNode d2Tenant(String name, String tenant, String path) {
        ObjectNode spec = spec(path);
        spec.put("targetNamespace", tenant).put("serviceAccountName", "flux").put("wait", true);
        spec.putObject("postBuild");
        ObjectNode k = kustomization(spec);
        ((ObjectNode) k.get("metadata")).put("name", name).put("namespace", tenant);
        return k;
    }

    private static ObjectNode withoutSubstituteFrom(ObjectNode k) {
        ObjectNode copy = k.deepCopy();
        ((ObjectNode) copy.path("spec").path("postBuild")).remove("substituteFrom");
        return copy;
    }

    /** The regular files under {@code root}, by path relative to it (an artifact's content), without .git. */
    private static Map<String, String> files(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (!rel.startsWith(".git/")) {
                    out.put(rel, Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    // ---- generated corpus --------------------------------------------------------------------------------------

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels:
                app: web
            spec:
              replicas: ${replicas:=2}
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  containers:
                  - name: web
                    image: podinfo:5.0.0
                    env:
                    - name: GREETING
                      value: "${greeting}"
                    - name: REGION
                      value: "${region:=eu-west-1}"
                    - name: MULTI
                      value: ${multi:-none}
                  - name: cache
                    image: redis:7.0
                  - name: proxy
                    image: docker.io/library/nginx:1.25
                  initContainers:
                  - name: init
                    image: busybox@sha256:1111111111111111111111111111111111111111111111111111111111111111
            """;

    private static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: file-ns-in-object
            spec:
              selector:
                app: web
              ports:
              - port: 80
                targetPort: 8080
            """;

    private static final String CONFIGMAPS = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              annotations:
                note: "${greeting:=hi} from ${region}"
            data:
              greeting: "${greeting}"
              escaped: "$${greeting}"
              plain: "$greeting"
              upper: "${greeting^^}"
              first: "${greeting:0:3}"
              length: "${#greeting}"
              fallback: ${missing:=fallback}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: opted-out-annotation
              annotations:
                kustomize.toolkit.fluxcd.io/substitute: disabled
            data:
              greeting: "${greeting}"
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: opted-out-label
              labels:
                kustomize.toolkit.fluxcd.io/substitute: disabled
            data:
              greeting: "${greeting:=kept}"
            """;

    private static final String CLUSTER_SCOPED = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: extra
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: reader
            rules:
            - apiGroups: [""]
              resources: ["pods"]
              verbs: ["get"]
            """;

    private static final String COMPONENT_EXTRA = """
            apiVersion: kustomize.config.k8s.io/v1alpha1
            kind: Component
            resources:
            - extra-cm.yaml
            patches:
            - target:
                kind: Deployment
              patch: |
                - op: add
                  path: /metadata/annotations
                  value:
                    component: extra
            """;

    private static final String COMPONENT_EXTRA_CM = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: from-component
            data:
              who: "${greeting:=component}"
            """;

    private static final String COMPONENT_FILE = """
            apiVersion: kustomize.config.k8s.io/v1alpha1
            kind: Component
            labels:
            - pairs:
                from-file-component: "yes"
            """;

    private static final String RESOURCES = """
            resources:
            - deployment.yaml
            - service.yaml
            - configmaps.yaml
            - cluster.yaml
            """;

    /** Four source trees, the Kustomization's path being {@code app} in each. */
    private static Map<String, Map<String, String>> trees() {
        Map<String, String> common = new TreeMap<>();
        common.put("app/deployment.yaml", DEPLOYMENT);
        common.put("app/service.yaml", SERVICE);
        common.put("app/configmaps.yaml", CONFIGMAPS);
        common.put("app/cluster.yaml", CLUSTER_SCOPED);
        common.put("components/extra/kustomization.yaml", COMPONENT_EXTRA);
        common.put("components/extra/extra-cm.yaml", COMPONENT_EXTRA_CM);
        common.put("components/file/kustomization.yaml", COMPONENT_FILE);
        Map<String, Map<String, String>> trees = new LinkedHashMap<>();

        Map<String, String> withFile = new TreeMap<>(common);
        withFile.put("app/kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: file-ns
                namePrefix: file-
                nameSuffix: -file
                images:
                - name: podinfo
                  newTag: 6.0.0
                - name: redis
                  digest: sha256:2222222222222222222222222222222222222222222222222222222222222222
                - name: docker.io/library/nginx
                  newName: nginx-unprivileged
                """ + RESOURCES);
        trees.put("file", withFile);

        Map<String, String> bare = new TreeMap<>(common);
        bare.put("app/kustomization.yaml", RESOURCES);
        trees.put("bare", bare);

        Map<String, String> generated = new TreeMap<>(common);
        generated.put("app/sub/extra.yml", """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: token
                stringData:
                  token: "${token:=none}"
                """);
        generated.put("app/nested/kustomized/kustomization.yaml", "resources: [cm.yaml]\nnamePrefix: nested-\n");
        generated.put("app/nested/kustomized/cm.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: inner
                data:
                  k: v
                """);
        generated.put("app/nested/kustomized/ignored.yaml", "not: kubernetes\n");
        generated.put("app/notes.md", "# not a manifest\n");
        generated.put("app/values.json", "{\"not\": \"read\"}\n");
        trees.put("generated", generated);

        Map<String, String> withComponent = new TreeMap<>(common);
        withComponent.put("app/kustomization.yaml", RESOURCES + "components:\n- ../components/file\n");
        trees.put("components", withComponent);
        return trees;
    }

    /** One spec change per entry: the variants of each Flux-layer feature, by name. */
    private static Map<String, List<Variant>> features() {
        Map<String, List<Variant>> f = new LinkedHashMap<>();
        f.put("targetNamespace", List.of(
                new Variant("target", s -> s.put("targetNamespace", "target"))));
        f.put("names", List.of(
                new Variant("prefix", s -> s.put("namePrefix", "flux-")),
                new Variant("suffix", s -> s.put("nameSuffix", "-flux")),
                new Variant("prefix+suffix", s -> s.put("namePrefix", "flux-").put("nameSuffix", "-flux"))));
        f.put("patches", List.of(
                new Variant("sm-target", s -> patch(s, """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: any
                        spec:
                          replicas: 3
                        """, target("Deployment", null, null))),
                new Variant("sm-no-target", s -> patch(s, """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: settings
                        data:
                          patched: "yes"
                        """, null)),
                new Variant("json6902-target", s -> patch(s, """
                        - op: add
                          path: /metadata/annotations/patched
                          value: json6902
                        """, target("Service", "web", null))),
                new Variant("json6902-label-selector", s -> patch(s, """
                        - op: replace
                          path: /spec/template/spec/containers/0/image
                          value: podinfo:9.9.9
                        """, target(null, null, "app=web"))),
                new Variant("two-patches", s -> {
                    patch(s, """
                            - op: add
                              path: /data/second
                              value: "${greeting}"
                            """, target("ConfigMap", "settings", null));
                    patch(s, """
                            apiVersion: v1
                            kind: Service
                            metadata:
                              name: web
                              namespace: file-ns-in-object
                            spec:
                              type: NodePort
                            """, null);
                })));
        f.put("images", List.of(
                new Variant("same-newTag", s -> image(s, "podinfo", null, "6.1.0", null)),
                new Variant("same-digest", s -> image(s, "podinfo", null, null, "sha256:"
                        + "3".repeat(64))),
                new Variant("same-newName", s -> image(s, "podinfo", "ghcr.io/stefanprodan/podinfo", null, null)),
                new Variant("digest-then-tag", s -> image(s, "redis", null, "7.2", null)),
                new Variant("newName+newTag", s -> image(s, "docker.io/library/nginx", "nginx", "1.27", null)),
                new Variant("tag+digest", s -> image(s, "podinfo", null, "6.2.0", "sha256:" + "4".repeat(64))),
                new Variant("new-name", s -> image(s, "busybox", null, "1.36", null)),
                new Variant("new-name-digest", s -> image(s, "busybox", "registry.local/busybox", null, "sha256:"
                        + "5".repeat(64))),
                new Variant("several", s -> {
                    image(s, "podinfo", null, "6.3.0", null);
                    image(s, "redis", "valkey", null, null);
                    image(s, "unused", null, "1", null);
                })));
        f.put("components", List.of(
                new Variant("present", s -> s.putArray("components").add("../components/extra")),
                new Variant("missing-ignored", s -> s.put("ignoreMissingComponents", true).putArray("components")
                        .add("../components/nope")),
                new Variant("present+missing-ignored", s -> s.put("ignoreMissingComponents", true)
                        .putArray("components").add("../components/nope").add("../components/extra")),
                new Variant("missing-not-ignored", s -> s.putArray("components").add("../components/nope"))));
        f.put("commonMetadata", List.of(
                new Variant("labels", s -> s.putObject("commonMetadata").putObject("labels").put("team", "a")
                        .put("app", "overridden")),
                new Variant("annotations", s -> s.putObject("commonMetadata").putObject("annotations")
                        .put("owner", "${greeting}")),
                new Variant("both", s -> {
                    ObjectNode m = s.putObject("commonMetadata");
                    m.putObject("labels").put("team", "b").put("env", "${region}");
                    m.putObject("annotations").put("note", "set by Flux")
                            .put("kustomize.toolkit.fluxcd.io/substitute", "disabled");
                })));
        f.put("buildMetadata", List.of(
                new Variant("origin", s -> s.putArray("buildMetadata").add("originAnnotations")),
                new Variant("origin+prefix", s -> s.put("namePrefix", "o-").putArray("buildMetadata")
                        .add("originAnnotations"))));
        f.put("postBuild", List.of(
                new Variant("vars", s -> s.putObject("postBuild").putObject("substitute").put("greeting", "hello")
                        .put("region", "us-east-1").put("replicas", "5")),
                new Variant("defaults-only", s -> s.putObject("postBuild").putObject("substitute").put("other", "x")),
                new Variant("newline-value", s -> s.putObject("postBuild").putObject("substitute")
                        .put("greeting", "line1\nline2\n").put("multi", "a\nb")),
                new Variant("always-no-vars", s -> s.putObject("postBuild").put("substituteStrategy", "Always")),
                new Variant("always-with-vars", s -> s.putObject("postBuild").put("substituteStrategy", "Always")
                        .putObject("substitute").put("greeting", "hey")),
                new Variant("with-variables-no-vars", s -> s.putObject("postBuild")
                        .put("substituteStrategy", "WithVariables")),
                new Variant("empty-value", s -> s.putObject("postBuild").putObject("substitute")
                        .put("greeting", "").put("region", ""))));
        return f;
    }

    record Variant(String name, java.util.function.Consumer<ObjectNode> apply) {
    }

    private static void patch(ObjectNode spec, String patch, ObjectNode target) {
        ArrayNode patches = spec.has("patches") ? (ArrayNode) spec.get("patches") : spec.putArray("patches");
        ObjectNode p = patches.addObject().put("patch", patch);
        if (target != null) {
            p.set("target", target);
        }
    }

    private static ObjectNode target(String kind, String name, String labelSelector) {
        ObjectNode t = JSON.createObjectNode();
        if (kind != null) {
            t.put("kind", kind);
        }
        if (name != null) {
            t.put("name", name);
        }
        if (labelSelector != null) {
            t.put("labelSelector", labelSelector);
        }
        return t;
    }

    private static void image(ObjectNode spec, String name, String newName, String newTag, String digest) {
        ArrayNode images = spec.has("images") ? (ArrayNode) spec.get("images") : spec.putArray("images");
        ObjectNode i = images.addObject().put("name", name);
        if (newName != null) {
            i.put("newName", newName);
        }
        if (newTag != null) {
            i.put("newTag", newTag);
        }
        if (digest != null) {
            i.put("digest", digest);
        }
    }

    private static final int COMBINATIONS = 120;

    @TestFactory
    Stream<DynamicTest> corpus() {
        Map<String, Map<String, String>> trees = trees();
        Map<String, List<Variant>> features = features();
        List<Case> cases = new ArrayList<>();
        for (var tree : trees.entrySet()) {
            cases.add(new Case(tree.getKey() + ": plain", tree.getValue(), kustomization(spec("./app")), Map.of()));
            for (var feature : features.entrySet()) {
                for (Variant v : feature.getValue()) {
                    ObjectNode spec = spec("./app");
                    v.apply().accept(spec);
                    cases.add(new Case(tree.getKey() + ": " + feature.getKey() + " " + v.name(), tree.getValue(),
                            kustomization(spec), Map.of()));
                }
            }
        }
        // Seeded, so a failure names a case that exists on the next run too.
        Random random = new Random(20260514);
        List<String> treeNames = List.copyOf(trees.keySet());
        for (int i = 0; i < COMBINATIONS; i++) {
            String tree = treeNames.get(random.nextInt(treeNames.size()));
            ObjectNode spec = spec("./app");
            List<String> names = new ArrayList<>();
            for (var feature : features.entrySet()) {
                List<Variant> vs = feature.getValue();
                int pick = random.nextInt(vs.size() + 1); // vs.size(): the feature left out
                if (pick < vs.size()) {
                    vs.get(pick).apply().accept(spec);
                    names.add(feature.getKey() + " " + vs.get(pick).name());
                }
            }
            cases.add(new Case(String.format("combination %03d %s: %s", i, tree, String.join(", ", names)),
                    trees.get(tree), kustomization(spec), Map.of()));
        }
        // Edge trees: a directory with no manifests (Flux generates a kustomization with a placeholder namespace),
        // a kustomization.yaml without resources, and an alternative kustomization file name.
        cases.add(new Case("generated without manifests", Map.of("app/notes.md", "nothing\n"),
                kustomization(spec("./app")), Map.of()));
        cases.add(new Case("kustomization without resources, generator only", Map.of("app/kustomization.yaml", """
                configMapGenerator:
                - name: generated
                  literals: [a=b]
                """), kustomization(spec("./app")), Map.of()));
        cases.add(new Case("kustomization without resources, component only", Map.of("app/kustomization.yaml",
                "components: [../components/extra]\n", "components/extra/kustomization.yaml", COMPONENT_EXTRA,
                "components/extra/extra-cm.yaml", COMPONENT_EXTRA_CM), kustomization(spec("./app")), Map.of()));
        cases.add(new Case("Kustomization file name", Map.of("app/Kustomization", RESOURCES.replace("- service.yaml\n"
                + "- configmaps.yaml\n- cluster.yaml\n", ""), "app/deployment.yaml", DEPLOYMENT),
                kustomization(withTargetNamespace(spec("./app"))), Map.of()));
        cases.add(new Case("root path", Map.of("kustomization.yaml", "resources: [cm.yaml]\n", "cm.yaml",
                COMPONENT_EXTRA_CM), kustomization(withTargetNamespace(spec("./"))), Map.of()));
        cases.add(new Case("missing path", Map.of("cm.yaml", COMPONENT_EXTRA_CM), kustomization(spec("./nowhere")),
                Map.of()));
        assertThat(cases).hasSizeGreaterThan(250);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> compare(c)));
    }

    private static ObjectNode withTargetNamespace(ObjectNode spec) {
        return spec.put("targetNamespace", "target");
    }

    private static ObjectNode spec(String path) {
        ObjectNode spec = JSON.createObjectNode();
        spec.put("interval", "10m").put("path", path).put("prune", true);
        spec.putObject("sourceRef").put("kind", "GitRepository").put("name", "repo");
        return spec;
    }

    private static ObjectNode kustomization(ObjectNode spec) {
        ObjectNode k = JSON.createObjectNode();
        k.put("apiVersion", "kustomize.toolkit.fluxcd.io/v1").put("kind", "Kustomization");
        k.putObject("metadata").put("name", "app").put("namespace", "flux-system");
        k.set("spec", spec);
        return k;
    }

    // ---- the comparison ----------------------------------------------------------------------------------------

    private static void compare(Case c) throws IOException {
        KustomizeControllerOracle.Answer theirs = oracle.build(c.files(), c.kustomization(), c.vars());
        String ours;
        List<JsonNode> objects = null;
        try {
            objects = KustomizeDifferentialTest.parse(Yaml.stream(ours(c)));
            ours = null;
        } catch (RenderException | IllegalArgumentException | IllegalStateException e) {
            ours = e.getMessage();
        }
        if (theirs.error() != null) {
            System.out.println("[" + c.name() + "] kustomize-controller: " + theirs.error());
            System.out.println("[" + c.name() + "] fleetwarden:          " + ours);
            assertThat(ours).as("kustomize-controller refused " + c.name() + ": " + theirs.error() + "; so must we")
                    .isNotNull();
            return;
        }
        if (ours != null) {
            fail("we refused " + c.name() + " that kustomize-controller builds: " + ours + "\nkustomize-controller:\n"
                    + Yaml.stream(theirs.objects()));
        }
        assertThat(objects).as(c.name() + "\nours:\n" + Yaml.stream(objects) + "\nkustomize-controller:\n"
                + Yaml.stream(theirs.objects())).isEqualTo(theirs.objects());
    }

    /** As KustomizationReconciler.applyRevision, without the owner labels and with the variables given. */
    private static List<ObjectNode> ours(Case c) {
        KustomizationSpec spec = KustomizationSpec.of(c.kustomization().path("metadata").path("namespace").asText(),
                c.kustomization().path("spec"));
        Map<String, byte[]> files = new TreeMap<>();
        c.files().forEach((k, v) -> files.put(k, v.getBytes(StandardCharsets.UTF_8)));
        List<ObjectNode> objects = spec.overlay().build(SourceTree.of(files), spec.path(), Limits.DEFAULT);
        Map<String, String> vars = new LinkedHashMap<>(c.vars());
        vars.putAll(spec.substitute());
        objects = Substitution.apply(objects, vars, spec.substituteAlways());
        spec.overlay().setCommonMetadata(objects);
        return objects;
    }
}
