package io.fleetwarden.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.HttpRegistryClient;
import io.fleetwarden.oci.RegistryClientConfig;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.policy.PolicyDocuments;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Helm charts from OCI registries through the gate, against the real registry with charts packaged as {@code helm
 * push} stores them and signed by the local Sigstore: the same policies, verifier and outcomes as an OCIRepository.
 */
class HelmChartGateTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SUBJECT_MAIN = "^https://github\\\\.com/acme/fleet/\\\\.github/workflows/push-artifact\\\\.yaml@refs/tags/.*$";
    static final String VERIFY = "{\"provider\":\"cosign\",\"matchOIDCIdentity\":[{\"issuer\":"
            + "\"^https://token\\\\.actions\\\\.githubusercontent\\\\.com$\",\"subject\":\"" + SUBJECT_MAIN + "\"}]}";

    static SignedArtifacts artifacts;
    static HttpRegistryClient registry;
    static String charts;
    static Digest signed100;
    static Digest unsigned110;
    static Digest otherWorkflow120;
    static Digest signedBuild130;

    @BeforeAll
    static void publish() {
        artifacts = SignedArtifacts.onSharedRegistry();
        registry = new HttpRegistryClient(RegistryClientConfig.defaults());
        charts = SignedArtifacts.uniqueRepo("helmgate", "charts");
        signed100 = artifacts.publishChart(charts, "frontend", "1.0.0");
        artifacts.signBundle(charts + "/frontend", signed100, onTag("1.0.0"));
        unsigned110 = artifacts.publishChart(charts, "frontend", "1.1.0");
        otherWorkflow120 = artifacts.publishChart(charts, "backend", "1.2.0");
        artifacts.signLegacy(charts + "/backend", otherWorkflow120, SigningRequest.keyless(Identity.github()
                .workflowFile("release-anything.yaml").ref("refs/tags/1.2.0").build()).build());
        signedBuild130 = artifacts.publishChart(charts, "backend", "1.3.0+build.7");
        artifacts.signBundle(charts + "/backend", signedBuild130, onTag("1.3.0_build.7"));
    }

    /** Signed by the release workflow the policy names, run for the git tag of the chart version. */
    static SigningRequest onTag(String tag) {
        return SigningRequest.keyless(Identity.github().ref("refs/tags/" + tag).build()).build();
    }

    @AfterAll
    static void close() {
        artifacts.close();
        registry.close();
    }

    static final PolicySnapshot POLICIES = compiled("charts", "Enforce");
    static final PolicySnapshot WARN = compiled("charts-audit", "Warn");

    static PolicySnapshot compiled(String name, String mode) {
        PolicySnapshot snapshot = PolicySnapshot.compile(1, PolicyDocuments.parse("test", """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: %s}
                spec:
                  sources: ["oci://%s/helmgate-*"]
                  mode: %s
                  authorities:
                    - trustedRoot: local
                      keyless:
                        issuer: https://token.actions.githubusercontent.com
                        github: {repository: acme/fleet, workflow: .github/workflows/push-artifact.yaml, refs: ["refs/tags/*"]}
                """.formatted(name, io.fleetwarden.testing.TestRegistry.shared().host(), mode)), Uncovered.DENY);
        assertThat(snapshot.problems()).isEmpty();
        return snapshot;
    }

    /** Repositories and charts as a cluster would hold them. */
    static final class Cluster implements HelmRepositories {
        final Map<String, JsonNode> repositories = new HashMap<>();
        final List<JsonNode> charts = new ArrayList<>();

        @Override
        public Optional<JsonNode> find(String namespace, String name) {
            return Optional.ofNullable(repositories.get(namespace + "/" + name));
        }

        @Override
        public List<JsonNode> chartsNaming(String namespace, String name) {
            return charts.stream().filter(c -> c.at("/metadata/namespace").asText().equals(namespace)
                    && c.at("/spec/sourceRef/name").asText().equals(name)).toList();
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static JsonNode ociRepository(String name, String path) {
        return json("""
                {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"HelmRepository",
                 "metadata":{"name":"%s","namespace":"apps"},"spec":{"type":"oci","url":"oci://%s/%s"}}
                """.formatted(name, artifacts.host(), path));
    }

    static JsonNode helmChart(String chart, String version, String verify) {
        return json("""
                {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"HelmChart",
                 "metadata":{"name":"apps-%s","namespace":"apps"},
                 "spec":{"chart":"%s",%s"sourceRef":{"kind":"HelmRepository","name":"charts"},
                         "reconcileStrategy":"ChartVersion"%s}}
                """.formatted(chart, chart, version == null ? "" : "\"version\":\"" + version + "\",",
                verify == null ? "" : ",\"verify\":" + verify));
    }

    static JsonNode helmRelease(String chartSpec) {
        return json("""
                {"apiVersion":"helm.toolkit.fluxcd.io/v2","kind":"HelmRelease",
                 "metadata":{"name":"frontend","namespace":"apps"},
                 "spec":{"interval":"10m","chart":{"spec":%s},"values":{"replicas":2}}}
                """.formatted(chartSpec));
    }

    static Cluster clusterWithCharts() {
        Cluster cluster = new Cluster();
        cluster.repositories.put("apps/charts", ociRepository("charts", charts));
        return cluster;
    }

    HelmChartGate gate(Cluster cluster, AtomicInteger registryCalls) {
        return gate(cluster, registryCalls, POLICIES);
    }

    HelmChartGate gate(Cluster cluster, AtomicInteger registryCalls, PolicySnapshot policies) {
        OciSourceGate oci = new OciSourceGate(() -> policies, (s, d) -> {
            registryCalls.incrementAndGet();
            return registry;
        }, artifacts.signatures(), DecisionCache.defaults());
        return new HelmChartGate(oci, cluster);
    }

    static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(10));
    }

    GateDecision decide(HelmChartGate gate, JsonNode object) {
        return gate.decide(object.path("kind").asText(), object, deadline(), false, new RegistryWait());
    }

    @Test
    void aSignedChartIsAdmittedAndAnUnsignedOneRefused() {
        HelmChartGate gate = gate(clusterWithCharts(), new AtomicInteger());
        assertThat(decide(gate, helmChart("frontend", "1.0.0", VERIFY))).isInstanceOfSatisfying(GateDecision.Allowed.class,
                a -> {
                    assertThat(a.reason()).isEqualTo("Verified");
                    assertThat(a.digest()).isEqualTo(signed100);
                    assertThat(a.message()).contains("oci://" + artifacts.host() + "/" + charts + "/frontend:1.0.0");
                });
        assertThat(decide(gate, helmChart("frontend", "1.1.0", VERIFY))).isInstanceOfSatisfying(GateDecision.Denied.class,
                d -> {
                    assertThat(d.reason()).isEqualTo("PolicyDenied");
                    assertThat(d.message()).startsWith("HelmChart apps/apps-frontend (chart frontend version \"1.1.0\"): ")
                            .contains(unsigned110.toString()).contains("SIGNATURE_PRESENT");
                    assertThat(d.policies()).containsExactly("charts");
                });
    }

    @Test
    void aChartSignedByAnotherWorkflowIsRefused() {
        GateDecision d = decide(gate(clusterWithCharts(), new AtomicInteger()), helmChart("backend", "1.2.0", VERIFY));
        assertThat(d).isInstanceOfSatisfying(GateDecision.Denied.class, n -> {
            assertThat(n.reason()).isEqualTo("PolicyDenied");
            assertThat(n.message()).contains(otherWorkflow120.toString()).contains("release-anything.yaml");
        });
    }

    @Test
    void aVersionRangeIsResolvedAsHelmDoesAndARangeReachingAnUnsignedChartIsRefused() {
        HelmChartGate gate = gate(clusterWithCharts(), new AtomicInteger());
        // >=1.0.0 and * pick 1.1.0, the highest: unsigned.
        for (String range : new String[] {">=1.0.0", "*", "1.x"}) {
            assertThat(decide(gate, helmChart("frontend", range, VERIFY))).as(range)
                    .isInstanceOfSatisfying(GateDecision.Denied.class, n -> assertThat(n.message())
                            .contains(":1.1.0@" + unsigned110).contains("SIGNATURE_PRESENT"));
        }
        // No version at all is * (the CRD's default): the same chart.
        assertThat(decide(gate, helmChart("frontend", null, VERIFY))).isInstanceOf(GateDecision.Denied.class);
        assertThat(decide(gate, helmChart("frontend", "~1.0", VERIFY))).isInstanceOfSatisfying(GateDecision.Allowed.class,
                a -> assertThat(a.digest()).isEqualTo(signed100));
        assertThat(decide(gate, helmChart("frontend", ">=2.0.0", VERIFY))).isInstanceOfSatisfying(
                GateDecision.Denied.class, n -> {
                    assertThat(n.reason()).isEqualTo("NoMatchingTag");
                    assertThat(n.message()).contains("is a chart version matching \">=2.0.0\"");
                });
        // Build metadata: Helm stores + as _ in the tag, reads it back as +, and a range reaches it.
        assertThat(decide(gate, helmChart("backend", "1.3.0+build.7", VERIFY))).isInstanceOfSatisfying(
                GateDecision.Allowed.class, a -> assertThat(a.digest()).isEqualTo(signedBuild130));
        assertThat(decide(gate, helmChart("backend", ">=1.2.0", VERIFY))).isInstanceOfSatisfying(
                GateDecision.Allowed.class, a -> assertThat(a.digest()).isEqualTo(signedBuild130));
        assertThat(decide(gate, helmChart("backend", "<1.3.0", VERIFY))).isInstanceOf(GateDecision.Denied.class);
    }

    @Test
    void aHelmReleaseCannotNameASignerSoAPolicyRequiringOneRefusesItBeforeAnyRegistryCall() {
        AtomicInteger calls = new AtomicInteger();
        HelmChartGate gate = gate(clusterWithCharts(), calls);
        // matchOIDCIdentity is not part of a HelmRelease's chart.spec.verify: the API server prunes it, so it
        // is dropped here too and the chart helm-controller would create accepts any signer.
        String withIdentity = "{\"chart\":\"frontend\",\"version\":\"~1.0\",\"sourceRef\":{\"kind\":\"HelmRepository\","
                + "\"name\":\"charts\"},\"verify\":" + VERIFY + "}";
        assertThat(decide(gate, helmRelease(withIdentity))).isInstanceOfSatisfying(GateDecision.Denied.class, n -> {
            assertThat(n.reason()).isEqualTo("VerificationSpecRejected");
            assertThat(n.message()).startsWith("HelmRelease apps/frontend (chart frontend version \"~1.0\"): ")
                    .contains("must list at least one identity").endsWith(HelmChartGate.RELEASE_VERIFY_HINT);
            assertThat(n.policies()).containsExactly("charts");
        });
        assertThat(calls).hasValue(0);
    }

    @Test
    void aHelmReleaseIsJudgedAsTheChartItCreatesWhateverValuesFilesAndReconcileStrategy() {
        // Under a Warn policy the spec only warns, so what the release's version resolves to is what decides.
        HelmChartGate gate = gate(clusterWithCharts(), new AtomicInteger(), WARN);
        String pinned = "{\"chart\":\"frontend\",\"version\":\"~1.0\",\"sourceRef\":{\"kind\":\"HelmRepository\","
                + "\"name\":\"charts\"},\"verify\":{\"provider\":\"cosign\"}}";
        String withValues = "{\"chart\":\"frontend\",\"version\":\"~1.0\",\"sourceRef\":{\"kind\":\"HelmRepository\","
                + "\"name\":\"charts\"},\"valuesFiles\":[\"values-prod.yaml\"],\"reconcileStrategy\":\"Revision\","
                + "\"verify\":{\"provider\":\"cosign\"}}";
        for (String spec : new String[] {pinned, withValues}) {
            assertThat(decide(gate, helmRelease(spec))).isInstanceOfSatisfying(GateDecision.Allowed.class, a -> {
                assertThat(a.digest()).isEqualTo(signed100);
                assertThat(a.warnings()).singleElement().asString().contains("is weaker than policy charts-audit");
            });
        }
        String range = "{\"chart\":\"frontend\",\"version\":\">=1.0.0\",\"sourceRef\":{\"kind\":\"HelmRepository\","
                + "\"name\":\"charts\"},\"verify\":{\"provider\":\"cosign\"}}";
        assertThat(decide(gate, helmRelease(range))).isInstanceOfSatisfying(GateDecision.Allowed.class, a -> {
            assertThat(a.digest()).isEqualTo(unsigned110);
            assertThat(a.warnings()).anySatisfy(w -> assertThat(w).contains(unsigned110.toString())
                    .contains("SIGNATURE_PRESENT"));
        });
        // The chart helm-controller creates lives where the repository is: sourceRef.namespace is honoured.
        String elsewhere = "{\"chart\":\"frontend\",\"version\":\"1.0.0\",\"sourceRef\":{\"kind\":\"HelmRepository\","
                + "\"name\":\"charts\",\"namespace\":\"flux-system\"}}";
        assertThat(decide(gate, helmRelease(elsewhere))).isInstanceOfSatisfying(GateDecision.Allowed.class,
                a -> assertThat(a.reason()).isEqualTo(HelmChartGate.REPOSITORY_PENDING));
    }

    @Test
    void aChartRefOrAChartFromGitIsLeftToTheGateOfWhatItNames() {
        HelmChartGate gate = gate(clusterWithCharts(), new AtomicInteger());
        JsonNode chartRef = json("""
                {"apiVersion":"helm.toolkit.fluxcd.io/v2","kind":"HelmRelease","metadata":{"name":"a","namespace":"apps"},
                 "spec":{"chartRef":{"kind":"OCIRepository","name":"podinfo"}}}""");
        assertThat(decide(gate, chartRef)).isInstanceOfSatisfying(GateDecision.Allowed.class, a -> {
            assertThat(a.reason()).isEqualTo(HelmChartGate.NOT_OCI);
            assertThat(a.message()).contains("chartRef, OCIRepository podinfo");
        });
        String git = "{\"chart\":\"./charts/app\",\"sourceRef\":{\"kind\":\"GitRepository\",\"name\":\"fleet\"}}";
        assertThat(decide(gate, helmRelease(git)).reason()).isEqualTo(HelmChartGate.NOT_OCI);
    }

    @Test
    void aMissingOrLooserVerifyIsRefusedBeforeAnyRegistryCall() {
        AtomicInteger calls = new AtomicInteger();
        HelmChartGate gate = gate(clusterWithCharts(), calls);
        assertThat(decide(gate, helmChart("frontend", "1.0.0", null))).isInstanceOfSatisfying(GateDecision.Denied.class,
                n -> {
                    assertThat(n.reason()).isEqualTo("VerificationSpecRejected");
                    assertThat(n.message()).contains("spec.verify of oci://" + artifacts.host() + "/" + charts + "/frontend");
                });
        String anyWorkflow = VERIFY.replace("push-artifact", "[a-z-]+");
        assertThat(anyWorkflow).isNotEqualTo(VERIFY);
        assertThat(decide(gate, helmChart("frontend", "1.0.0", anyWorkflow)).reason()).isEqualTo("VerificationSpecRejected");
        assertThat(calls).hasValue(0);
    }

    @Test
    void aChartWhoseRepositoryDoesNotExistYetIsJudgedWhenTheRepositoryIsCreated() {
        Cluster cluster = new Cluster();
        HelmChartGate gate = gate(cluster, new AtomicInteger());
        JsonNode unsigned = helmChart("frontend", "1.1.0", VERIFY);
        assertThat(decide(gate, unsigned)).isInstanceOfSatisfying(GateDecision.Allowed.class, a -> {
            assertThat(a.reason()).isEqualTo(HelmChartGate.REPOSITORY_PENDING);
            assertThat(a.warnings()).singleElement().asString().contains("HelmRepository apps/charts does not exist yet");
        });
        cluster.charts.add(unsigned);
        JsonNode repository = ociRepository("charts", charts);
        assertThat(gate.decideRepository(repository, deadline(), new RegistryWait())).isInstanceOfSatisfying(
                GateDecision.Denied.class, n -> {
                    assertThat(n.reason()).isEqualTo("PolicyDenied");
                    assertThat(n.message()).startsWith("HelmRepository apps/charts would serve HelmChart apps/apps-frontend")
                            .contains(unsigned110.toString());
                });
        cluster.charts.clear();
        cluster.charts.add(helmChart("frontend", "1.0.0", VERIFY));
        assertThat(gate.decideRepository(repository, deadline(), new RegistryWait())).isInstanceOfSatisfying(
                GateDecision.Allowed.class, a -> assertThat(a.message()).contains("HelmChart apps/apps-frontend"));
        // Moving the URL to a path no signature covers is refused while a chart would be pulled from it.
        JsonNode moved = ociRepository("charts", "elsewhere-" + UUID.randomUUID().toString().substring(0, 8));
        assertThat(gate.decideRepository(moved, deadline(), new RegistryWait())).isInstanceOfSatisfying(
                GateDecision.Denied.class, n -> assertThat(n.reason()).isEqualTo("NotCovered"));
        cluster.charts.clear();
        assertThat(gate.decideRepository(moved, deadline(), new RegistryWait()).reason()).isEqualTo("NoChartsYet");
    }

    @Test
    void anHttpHelmRepositoryIsNoOciSourceAndABrokenOneIsRefused() {
        Cluster cluster = new Cluster();
        cluster.repositories.put("apps/charts", json("""
                {"kind":"HelmRepository","metadata":{"name":"charts","namespace":"apps"},
                 "spec":{"url":"https://charts.example.com"}}"""));
        HelmChartGate gate = gate(cluster, new AtomicInteger());
        assertThat(decide(gate, helmChart("frontend", "1.0.0", null))).isInstanceOfSatisfying(GateDecision.Allowed.class,
                a -> {
                    assertThat(a.reason()).isEqualTo(HelmChartGate.NOT_OCI);
                    assertThat(a.message()).contains("type default (an HTTP chart index)");
                });
        cluster.repositories.put("apps/charts", json("""
                {"kind":"HelmRepository","metadata":{"name":"charts","namespace":"apps"},
                 "spec":{"type":"oci","url":"https://charts.example.com"}}"""));
        assertThat(decide(gate, helmChart("frontend", "1.0.0", null))).isInstanceOfSatisfying(GateDecision.Denied.class,
                n -> assertThat(n.message()).contains("spec.url: must start with oci:// for type oci"));
        // An oci:// URL is judged whatever the type says.
        cluster.repositories.put("apps/charts", json("""
                {"kind":"HelmRepository","metadata":{"name":"charts","namespace":"apps"},
                 "spec":{"url":"oci://%s/%s"}}""".formatted(artifacts.host(), charts)));
        assertThat(decide(gate, helmChart("frontend", "1.1.0", VERIFY)).reason()).isEqualTo("PolicyDenied");
        JsonNode invalid = json("""
                {"kind":"HelmChart","metadata":{"name":"x","namespace":"apps"},"spec":{"sourceRef":{"kind":"HelmRepository"}}}""");
        assertThat(decide(gate, invalid)).isInstanceOfSatisfying(GateDecision.Denied.class, n -> {
            assertThat(n.reason()).isEqualTo("Invalid");
            assertThat(n.message()).contains("spec.sourceRef.name: is required").contains("spec.chart: is required");
        });
    }
}
