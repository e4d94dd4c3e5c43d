package io.fleetwarden.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.gate.DecisionCache;
import io.fleetwarden.gate.HelmChartGate;
import io.fleetwarden.gate.HelmRepositories;
import io.fleetwarden.gate.OciSourceGate;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.policy.PolicyDocuments;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the Helm webhooks send to the gate and what they leave alone: only a change of what is pulled is judged,
 * so controllers' finalizer and status writes and a release's values changes never wait for a registry.
 */
class HelmChartAdmissionTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final AtomicInteger registryCalls = new AtomicInteger();
    final HelmChartGate gate = new HelmChartGate(new OciSourceGate(() -> PolicySnapshot.compile(1,
            PolicyDocuments.parse("none", ""), Uncovered.DENY), (s, d) -> {
                registryCalls.incrementAndGet();
                throw new AssertionError("no registry call expected");
            }, null, DecisionCache.defaults()), HelmRepositories.none());
    final HelmChartAdmission charts = new HelmChartAdmission(gate, Duration.ofSeconds(8));
    final HelmRepositoryAdmission repositories = new HelmRepositoryAdmission(gate, Duration.ofSeconds(8));

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    static AdmissionInput input(String operation, String group, String kind, String subResource, JsonNode object,
            JsonNode old) {
        return new AdmissionInput("uid", operation, group, "v1", kind, subResource, "apps", "x", object, old,
                "system:serviceaccount:flux-system:kustomize-controller", Set.of(), false);
    }

    static final String RELEASE = """
            {"kind":"HelmRelease","metadata":{"name":"x","namespace":"apps"},
             "spec":{"interval":"10m","values":{"replicas":%d},
               "chart":{"spec":{"chart":"podinfo","version":"%s","sourceRef":{"kind":"HelmRepository","name":"charts"}}}}}""";

    @Test
    void onlyAChangeOfWhatIsPulledIsJudged() throws Exception {
        JsonNode release = json(RELEASE.formatted(1, "6.x"));
        assertThat(charts.handle(input("DELETE", "helm.toolkit.fluxcd.io", "HelmRelease", null, null, release)).reason())
                .isEqualTo("Bypassed");
        assertThat(charts.handle(input("UPDATE", "helm.toolkit.fluxcd.io", "HelmRelease", "status", release, release))
                .reason()).isEqualTo("Bypassed");
        AdmissionDecision values = charts.handle(input("UPDATE", "helm.toolkit.fluxcd.io", "HelmRelease", null,
                json(RELEASE.formatted(3, "6.x")), release));
        assertThat(values.allowed()).isTrue();
        assertThat(values.message()).isEqualTo("chart unchanged");
        AdmissionDecision version = charts.handle(input("UPDATE", "helm.toolkit.fluxcd.io", "HelmRelease", null,
                json(RELEASE.formatted(1, "7.x")), release));
        assertThat(version.reason()).isEqualTo(HelmChartGate.REPOSITORY_PENDING);
        assertThat(version.warnings()).singleElement().asString()
                .contains("HelmRepository apps/charts does not exist yet");
        JsonNode chart = json("""
                {"kind":"HelmChart","metadata":{"name":"c","namespace":"apps"},
                 "spec":{"chart":"podinfo","sourceRef":{"kind":"HelmRepository","name":"charts"}}}""");
        JsonNode finalized = chart.deepCopy();
        ((ObjectNode) finalized.path("metadata")).putArray("finalizers")
                .add("finalizers.fluxcd.io");
        assertThat(charts.handle(input("UPDATE", "source.toolkit.fluxcd.io", "HelmChart", null, finalized, chart))
                .message()).isEqualTo("spec unchanged");
        assertThat(registryCalls).hasValue(0);
    }

    @Test
    void aKindTheWebhookIsNotForIsRefusedNamingTheConfiguration() throws Exception {
        JsonNode o = json("{\"kind\":\"OCIRepository\",\"spec\":{}}");
        AdmissionDecision d = charts.handle(input("CREATE", "source.toolkit.fluxcd.io", "OCIRepository", null, o, null));
        assertThat(d.allowed()).isFalse();
        assertThat(d.message()).contains("HelmChart and helm.toolkit.fluxcd.io HelmRelease objects, got "
                + "source.toolkit.fluxcd.io/v1 OCIRepository; check the webhook configuration's rules");
        AdmissionDecision r = repositories.handle(input("CREATE", "source.toolkit.fluxcd.io", "HelmChart", null, o, null));
        assertThat(r.allowed()).isFalse();
        assertThat(r.message()).contains("HelmRepository objects, got source.toolkit.fluxcd.io/v1 HelmChart");
    }

    @Test
    void aRepositoryIsJudgedWhenCreatedOrItsSpecChanges() throws Exception {
        JsonNode repository = json("""
                {"kind":"HelmRepository","metadata":{"name":"charts","namespace":"apps"},
                 "spec":{"type":"oci","url":"oci://ghcr.io/acme/charts"}}""");
        JsonNode labelled = repository.deepCopy();
        ((ObjectNode) labelled.path("metadata")).putObject("labels").put("a", "b");
        assertThat(repositories.handle(input("UPDATE", "source.toolkit.fluxcd.io", "HelmRepository", null, labelled,
                repository)).message()).isEqualTo("spec unchanged");
        AdmissionDecision created = repositories.handle(input("CREATE", "source.toolkit.fluxcd.io", "HelmRepository",
                null, repository, null));
        assertThat(created.allowed()).isTrue();
        assertThat(created.reason()).isEqualTo("NoChartsYet");
        assertThat(registryCalls).hasValue(0);
    }
}
