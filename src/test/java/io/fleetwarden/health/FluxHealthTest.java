package io.fleetwarden.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.health.HealthCheckExprs.Spec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FluxHealthTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private static HealthCheckExprs exprs(Spec... specs) {
        return ((HealthCheckExprs.Valid) HealthCheckExprs.compile(List.of(specs))).exprs();
    }

    @Test
    void runningJobIsInProgressForFluxThoughCurrentForKstatus() {
        var job = Yaml.object(KstatusTest.PodsAndJobs.job("{startTime: \"2026-01-01T00:00:00Z\", active: 1}"));
        assertThat(Kstatus.of(job, NOW).status()).isEqualTo(Health.Status.CURRENT);
        assertThat(FluxHealth.of(job, HealthCheckExprs.none(), NOW))
                .isEqualTo(Health.inProgress("Job in progress. success:0, active: 1, failed: 0"));
    }

    @Test
    void jobNotStartedNamesParallelism() {
        var job = Yaml.object(KstatusTest.PodsAndJobs.job("{}"));
        assertThat(FluxHealth.of(job, HealthCheckExprs.none(), NOW))
                .isEqualTo(Health.inProgress("Job not started. active: 0/1"));
    }

    @Test
    void suspendedJobIsCurrent() {
        var job = Yaml.object(KstatusTest.PodsAndJobs.job("{}").replace("{completions: 2}", "{completions: 2, suspend: true}"));
        assertThat(FluxHealth.of(job, HealthCheckExprs.none(), NOW)).isEqualTo(Health.current("Job is suspended"));
    }

    @Test
    void fluxJobRuleWinsOverAHealthCheckExpressionForJobs() {
        var job = Yaml.object(KstatusTest.PodsAndJobs.job("{startTime: \"2026-01-01T00:00:00Z\", active: 1}"));
        assertThat(FluxHealth.of(job, exprs(new Spec("batch/v1", "Job", "true", null, null)), NOW).status())
                .isEqualTo(Health.Status.IN_PROGRESS);
    }

    @Test
    void expressionsReplaceKstatusForTheirKind() {
        // kstatus would say Failed (Stalled=True); the expression only looks at phase.
        var widget = Yaml.object("""
                apiVersion: example.com/v1
                kind: Widget
                status:
                  phase: Running
                  conditions: [{type: Stalled, status: "True", message: stuck}]
                """);
        assertThat(Kstatus.of(widget, NOW)).isEqualTo(Health.failed("stuck"));
        assertThat(FluxHealth.of(widget, exprs(new Spec("example.com/v1", "Widget", "status.phase == 'Running'", null,
                null)), NOW).status()).isEqualTo(Health.Status.CURRENT);
    }

    @Test
    void otherKindsFallBackToKstatus() {
        var cm = Yaml.object("{apiVersion: v1, kind: ConfigMap}");
        assertThat(FluxHealth.of(cm, exprs(new Spec("example.com/v1", "Widget", "true", null, null)), NOW))
                .isEqualTo(Health.current("Resource is always ready"));
    }
}
