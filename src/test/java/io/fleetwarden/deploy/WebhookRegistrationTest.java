package io.fleetwarden.deploy;

import static io.fleetwarden.deploy.DeployManifestsTest.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.admission.WebhookPaths;
import io.fleetwarden.config.GateConfig;
import io.fleetwarden.tenancy.GovernedKind;
import io.fleetwarden.testing.deploy.Kustomization;
import io.fleetwarden.testing.deploy.Manifests;
import io.smallrye.config.WithDefault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The webhook configurations point at exactly the served paths, with the settings that keep them safe. */
class WebhookRegistrationTest {

    private final List<ObjectNode> base = Kustomization.render(Manifests.DEPLOY.resolve("base"));
    private final ObjectNode validating = Kustomization.one(base, "ValidatingWebhookConfiguration", "fleetwarden");
    private final ObjectNode mutating = Kustomization.one(base, "MutatingWebhookConfiguration", "fleetwarden-defaults");

    @Test
    void everyProductionPathIsRegisteredAndNothingElse() {
        List<String> paths = webhooks().stream().map(w -> w.at("/clientConfig/service/path").asText()).toList();
        assertThat(paths).containsExactlyInAnyOrderElementsOf(WebhookPaths.PRODUCTION);
        stream(validating.path("webhooks")).forEach(w -> assertThat(WebhookPaths.isMutating(
                w.at("/clientConfig/service/path").asText())).as(w.path("name").asText()).isFalse());
        stream(mutating.path("webhooks")).forEach(w -> assertThat(WebhookPaths.isMutating(
                w.at("/clientConfig/service/path").asText())).as(w.path("name").asText()).isTrue());
    }

    @Test
    void everyWebhookCallsTheServiceAndFailsClosed() {
        ObjectNode service = Kustomization.one(base, "Service", "fleetwarden");
        for (JsonNode w : webhooks()) {
            String name = w.path("name").asText();
            JsonNode svc = w.at("/clientConfig/service");
            assertThat(svc.path("name").asText()).as(name).isEqualTo(Manifests.name(service));
            assertThat(svc.path("namespace").asText()).as(name).isEqualTo(Manifests.namespace(service));
            assertThat(svc.path("port").asInt()).as(name).isEqualTo(service.at("/spec/ports/0/port").asInt());
            assertThat(w.at("/clientConfig").has("url")).as(name).isFalse();
            assertThat(w.path("failurePolicy").asText()).as(name).isEqualTo("Fail");
            assertThat(w.path("sideEffects").asText()).as(name).isEqualTo("NoneOnDryRun");
            assertThat(w.path("matchPolicy").asText()).as(name).isEqualTo("Equivalent");
            assertThat(stream(w.path("admissionReviewVersions")).map(JsonNode::asText)).as(name).containsExactly("v1");
            assertThat(w.has("objectSelector")).as(name + ": a label must not be a way around the webhook").isFalse();
            stream(w.path("rules")).forEach(r -> assertThat(stream(r.path("operations")).map(JsonNode::asText))
                    .as(name).containsExactlyInAnyOrder("CREATE", "UPDATE"));
        }
    }

    @Test
    void timeoutLeavesRoomAboveTheServiceDeadline() throws Exception {
        Duration budget = reviewBudget();
        assertThat(budget).isEqualTo(Duration.ofSeconds(8));
        for (JsonNode w : webhooks()) {
            int timeout = w.path("timeoutSeconds").asInt();
            assertThat(timeout).as(w.path("name").asText()).isEqualTo(10).isLessThanOrEqualTo(30);
            assertThat(Duration.ofSeconds(timeout).minus(budget)).as("the service answers before the API server gives up")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        }
    }

    @Test
    void systemNamespacesAndFleetwardensOwnDeliveryAreNeverBlocked() {
        for (JsonNode w : webhooks()) {
            String name = w.path("name").asText();
            assertThat(w.at("/namespaceSelector/matchExpressions")).as(name).anySatisfy(e -> {
                assertThat(e.path("key").asText()).isEqualTo("kubernetes.io/metadata.name");
                assertThat(e.path("operator").asText()).isEqualTo("NotIn");
                assertThat(stream(e.path("values")).map(JsonNode::asText))
                        .containsExactlyInAnyOrder("kube-system", "kube-node-lease", "kube-public");
            });
            Set<String> resources = new TreeSet<>();
            w.path("rules").forEach(r -> r.path("resources").forEach(x -> resources.add(x.asText())));
            assertThat(resources).as(name + ": recovery of fleetwarden's own workload is never judged")
                    .doesNotContain("deployments", "pods", "replicasets", "secrets", "leases", "services", "*");
            if (resources.stream().anyMatch(r -> !r.endsWith("policies"))) {
                assertThat(stream(w.path("matchConditions")).map(c -> c.path("expression").asText())).as(name)
                        .first().isEqualTo("!(request.namespace == 'flux-system' && request.name == 'fleetwarden')");
                // The only other condition: the mutating webhook is skipped when there is nothing for it to set
                // (TenancyThroughApiServerIT shows which objects the API server still sends it).
                assertThat(stream(w.path("matchConditions")).skip(1).map(c -> c.path("name").asText())).as(name)
                        .containsExactlyElementsOf(name.equals("tenancy-defaults.fleetwarden.io")
                                ? List.of("service-account-unset") : List.of());
            }
        }
    }

    @Test
    void ociRepositoriesAreJudgedInBothServedVersions() {
        JsonNode rules = webhook("/validate/ocirepository").path("rules");
        assertThat(stream(rules)).singleElement().satisfies(r -> {
            assertThat(stream(r.path("apiGroups")).map(JsonNode::asText)).containsExactly("source.toolkit.fluxcd.io");
            assertThat(stream(r.path("apiVersions")).map(JsonNode::asText)).containsExactlyInAnyOrder("v1", "v1beta2");
            assertThat(stream(r.path("resources")).map(JsonNode::asText)).containsExactly("ocirepositories");
        });
        assertThat(rulesOf("/validate/policy")).containsExactlyInAnyOrder("fleetwarden.io/v1alpha1/artifactpolicies",
                "fleetwarden.io/v1alpha1/tenancypolicies");
    }

    @Test
    void helmChartsReleasesAndRepositoriesAreJudged() {
        assertThat(rulesOf("/validate/helmchart")).containsExactlyInAnyOrder(
                "source.toolkit.fluxcd.io/v1/helmcharts", "source.toolkit.fluxcd.io/v1beta2/helmcharts",
                "helm.toolkit.fluxcd.io/v2/helmreleases");
        assertThat(rulesOf("/validate/helmrepository")).containsExactlyInAnyOrder(
                "source.toolkit.fluxcd.io/v1/helmrepositories", "source.toolkit.fluxcd.io/v1beta2/helmrepositories");
    }

    @Test
    void tenancyWebhooksCoverEveryGovernedKindInItsVersion() {
        List<String> governed = new ArrayList<>();
        for (GovernedKind k : GovernedKind.values()) {
            governed.add(k.gvk().group() + "/" + k.gvk().version() + "/" + plural(k.kind()));
        }
        assertThat(rulesOf("/validate/tenancy")).containsExactlyInAnyOrderElementsOf(governed);
        assertThat(rulesOf("/mutate/tenancy")).containsExactlyInAnyOrder("kustomize.toolkit.fluxcd.io/v1/kustomizations",
                "helm.toolkit.fluxcd.io/v2/helmreleases", "fluxcd.controlplane.io/v1/resourcesets");
        assertThat(webhook("/mutate/tenancy").path("reinvocationPolicy").asText()).isEqualTo("Never");
    }

    @Test
    void caBundleIsLeftToTheCertificateManager() {
        webhooks().forEach(w -> assertThat(w.at("/clientConfig").has("caBundle")).isFalse());
    }

    /** The budget the service runs with: GateConfig's default unless application.properties sets another. */
    static Duration reviewBudget() throws Exception {
        String value = GateConfig.class.getMethod("reviewBudget").getAnnotation(WithDefault.class).value();
        for (String line : Files.readAllLines(Path.of("src/main/resources/application.properties"))) {
            if (line.startsWith("fleetwarden.gate.review-budget=")) {
                value = line.substring(line.indexOf('=') + 1).trim();
            }
        }
        return Duration.parse("PT" + value.toUpperCase(Locale.ROOT));
    }

    private static String plural(String kind) {
        String lower = kind.toLowerCase(Locale.ROOT);
        return lower.endsWith("y") ? lower.substring(0, lower.length() - 1) + "ies" : lower + "s";
    }

    private List<JsonNode> webhooks() {
        List<JsonNode> all = new ArrayList<>();
        validating.path("webhooks").forEach(all::add);
        mutating.path("webhooks").forEach(all::add);
        return all;
    }

    private JsonNode webhook(String path) {
        return webhooks().stream().filter(w -> w.at("/clientConfig/service/path").asText().equals(path)).findFirst()
                .orElseThrow();
    }

    private List<String> rulesOf(String path) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : webhook(path).path("rules")) {
            for (JsonNode g : r.path("apiGroups")) {
                for (JsonNode v : r.path("apiVersions")) {
                    r.path("resources").forEach(res -> out.add(g.asText() + "/" + v.asText() + "/" + res.asText()));
                }
            }
        }
        return out;
    }
}
