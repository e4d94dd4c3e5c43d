package io.fleetwarden.reconcile.kustomize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fleetwarden.apply.ApplyResult;
import io.fleetwarden.apply.ObjectRef;
import io.fleetwarden.health.HealthCheckExprs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The wait's first look after an apply, and the later looks that read only what was not healthy yet. */
class HealthJudgeTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    private static ObjectNode yaml(String s) {
        try {
            return (ObjectNode) YAML.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final ObjectNode SERVICE_ACCOUNT = yaml("""
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: app, namespace: apps, generation: 1}
            """);

    private static ObjectNode deployment(boolean available) {
        return yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: app, namespace: apps, generation: 1}
                spec: {replicas: 0}
                """ + (available ? """
                status:
                  observedGeneration: 1
                  conditions:
                    - {type: Available, status: "True", reason: MinimumReplicasAvailable}
                    - {type: Progressing, status: "True", reason: NewReplicaSetAvailable}
                """ : ""));
    }

    private static KustomizationSpec waitAll() throws Exception {
        return KustomizationSpec.of("apps", YAML.readTree("""
                interval: 10m
                sourceRef: {kind: OCIRepository, name: apps}
                wait: true
                """));
    }

    private static ApplyResult applied(ObjectNode... live) {
        List<ApplyResult.Applied> out = new ArrayList<>();
        for (ObjectNode o : live) {
            out.add(new ApplyResult.Applied(ObjectRef.of(o), ApplyResult.Action.CREATED, o, Optional.empty()));
        }
        return new ApplyResult(out, List.of(), List.of());
    }

    @Test
    void theFirstLookNamesOnlyTheObjectsNotHealthyYetAndLaterLooksReadOnlyThose() throws Exception {
        List<KustomizationSpec.HealthCheck> read = new ArrayList<>();
        HealthJudge.Look first = HealthJudge.look(waitAll(), applied(SERVICE_ACCOUNT, deployment(false)),
                HealthCheckExprs.none(), h -> {
                    throw new AssertionError("wait: true judges what the apply returned, without a read");
                });
        assertThat(first.verdict()).isInstanceOf(HealthJudge.InProgress.class);
        assertThat(((HealthJudge.InProgress) first.verdict()).message()).contains("Deployment").doesNotContain(
                "ServiceAccount");
        assertThat(first.pending()).singleElement().satisfies(p -> {
            assertThat(p.check()).isEqualTo(new KustomizationSpec.HealthCheck("apps/v1", "Deployment", "apps", "app"));
            assertThat(p.name()).isEqualTo(ObjectRef.of(deployment(false)).toString());
        });

        Map<Boolean, JsonNode> states = Map.of(false, deployment(false), true, deployment(true));
        boolean[] available = {false};
        HealthJudge.Look second = HealthJudge.poll(first.pending(), HealthCheckExprs.none(), h -> {
            read.add(h);
            return states.get(available[0]);
        });
        assertThat(second.verdict()).isInstanceOf(HealthJudge.InProgress.class);
        assertThat(((HealthJudge.InProgress) second.verdict()).message())
                .isEqualTo(((HealthJudge.InProgress) first.verdict()).message());
        assertThat(second.pending()).isEqualTo(first.pending());

        available[0] = true;
        HealthJudge.Look third = HealthJudge.poll(second.pending(), HealthCheckExprs.none(), h -> {
            read.add(h);
            return states.get(available[0]);
        });
        assertThat(third.verdict()).isEqualTo(new HealthJudge.Healthy(1));
        assertThat(third.pending()).isEmpty();
        assertThat(read).hasSize(2).allSatisfy(h -> assertThat(h.kind()).isEqualTo("Deployment"));
    }

    @Test
    void anObjectGoneSinceTheLastLookIsStillWaitedFor() throws Exception {
        HealthJudge.Look first = HealthJudge.look(waitAll(), applied(deployment(false)), HealthCheckExprs.none(),
                h -> null);
        HealthJudge.Look gone = HealthJudge.poll(first.pending(), HealthCheckExprs.none(), h -> null);
        assertThat(gone.verdict()).isInstanceOf(HealthJudge.InProgress.class);
        assertThat(((HealthJudge.InProgress) gone.verdict()).message()).contains("not found");
        assertThat(gone.pending()).isEqualTo(first.pending());
    }
}
