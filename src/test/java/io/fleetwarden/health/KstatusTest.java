package io.fleetwarden.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.health.Health.Status;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class KstatusTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private static Health of(String yaml) {
        return Kstatus.of(Yaml.object(yaml), NOW);
    }

    @Nested
    class GenericRules {

        @Test
        void objectWithoutStatusIsCurrent() {
            assertThat(of("""
                    apiVersion: example.com/v1
                    kind: Widget
                    metadata: {name: w, generation: 1}
                    """)).isEqualTo(Health.current("Resource is current"));
        }

        @Test
        void latestGenerationNotObservedIsInProgress() {
            assertThat(of("""
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: app, generation: 4}
                    spec: {replicas: 1}
                    status: {observedGeneration: 3, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1}
                    """)).isEqualTo(Health.inProgress("Deployment generation is 4, but latest observed generation is 3"));
        }

        @Test
        void generationAsStringIsUnknownNamingTheField() {
            Health health = of("""
                    apiVersion: example.com/v1
                    kind: Widget
                    metadata: {name: w, generation: "4"}
                    """);
            assertThat(health).isEqualTo(Health.unknown(
                    "Widget.example.com status cannot be computed: metadata.generation is a string, expected an integer"));
        }

        @Test
        void conditionsNotAListIsUnknown() {
            assertThat(of("""
                    apiVersion: example.com/v1
                    kind: Widget
                    status: {conditions: {type: Ready}}
                    """).message()).endsWith("status.conditions is an object, expected an array");
        }

        @Test
        void deletionTimestampIsTerminating() {
            assertThat(of("""
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: c, deletionTimestamp: "2026-01-01T00:00:00Z"}
                    """)).isEqualTo(new Health(Status.TERMINATING, "Resource scheduled for deletion"));
        }

        @Test
        void reconcilingTrueIsInProgressWithItsMessage() {
            assertThat(of("""
                    apiVersion: source.toolkit.fluxcd.io/v1
                    kind: OCIRepository
                    metadata: {name: apps, generation: 2}
                    status:
                      observedGeneration: 2
                      conditions:
                      - {type: Ready, status: "False", reason: Progressing, message: "reconciliation in progress"}
                      - {type: Reconciling, status: "True", reason: Progressing, message: "building artifact"}
                    """)).isEqualTo(Health.inProgress("building artifact"));
        }

        @Test
        void fluxKindStalledIsFailed() {
            assertThat(of("""
                    apiVersion: kustomize.toolkit.fluxcd.io/v1
                    kind: Kustomization
                    metadata: {name: apps, generation: 1}
                    status:
                      observedGeneration: 1
                      conditions:
                      - {type: Ready, status: "False", reason: InvalidCELExpression, message: "invalid expression"}
                      - {type: Stalled, status: "True", reason: InvalidCELExpression, message: "invalid expression"}
                    """)).isEqualTo(Health.failed("invalid expression"));
        }

        @Test
        void fluxKindReadyTrueIsCurrent() {
            assertThat(of("""
                    apiVersion: kustomize.toolkit.fluxcd.io/v1
                    kind: Kustomization
                    metadata: {name: apps, generation: 1}
                    status:
                      observedGeneration: 1
                      conditions: [{type: Ready, status: "True", reason: ReconciliationSucceeded, message: "Applied revision: v1"}]
                    """)).isEqualTo(Health.current("Resource is Ready"));
        }

        @Test
        void fluxKindReadyFalseIsInProgressWithConditionMessage() {
            assertThat(of("""
                    apiVersion: helm.toolkit.fluxcd.io/v2
                    kind: HelmRelease
                    metadata: {name: podinfo, generation: 1}
                    status:
                      observedGeneration: 1
                      conditions: [{type: Ready, status: "False", reason: InstallFailed, message: "install retries exhausted"}]
                    """)).isEqualTo(Health.inProgress("install retries exhausted"));
        }

        @Test
        void readyFalseWithoutMessageNamesTheCondition() {
            assertThat(of("""
                    apiVersion: example.com/v1
                    kind: Widget
                    status:
                      conditions: [{type: Ready, status: "Unknown", reason: Waiting}]
                    """)).isEqualTo(Health.inProgress("Ready condition is Unknown (Waiting)"));
        }

        @Test
        void fluxKindWithoutObservedGenerationYetIsCurrentWhenNoConditions() {
            // kstatus cannot tell a custom resource that never sets conditions from one not yet reconciled.
            assertThat(of("""
                    apiVersion: source.toolkit.fluxcd.io/v1
                    kind: OCIRepository
                    metadata: {name: apps, generation: 1}
                    """).status()).isEqualTo(Status.CURRENT);
        }
    }

    @Nested
    class Deployments {

        @Test
        void deploymentAvailable() {
            assertThat(of(deployment(3, "replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3",
                    "Progressing", "True", "NewReplicaSetAvailable")))
                    .isEqualTo(Health.current("Deployment is available. Replicas: 3"));
        }

        @Test
        void deploymentRolloutStuckOnProgressDeadline() {
            assertThat(of(deployment(3, "replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2",
                    "Progressing", "False", "ProgressDeadlineExceeded")))
                    .isEqualTo(Health.failed("Progress deadline exceeded"));
        }

        @Test
        void deploymentScalingUpNamesMissingReplicas() {
            assertThat(of(deployment(3, "replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1",
                    "Progressing", "True", "ReplicaSetUpdated"))).isEqualTo(Health.inProgress("Replicas: 1/3"));
        }

        @Test
        void deploymentRollingOutNamesUpdatedReplicas() {
            assertThat(of(deployment(3, "replicas: 3, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3",
                    "Progressing", "True", "ReplicaSetUpdated"))).isEqualTo(Health.inProgress("Updated: 2/3"));
        }

        @Test
        void deploymentOldPodsTerminating() {
            assertThat(of(deployment(3, "replicas: 4, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3",
                    "Progressing", "True", "ReplicaSetUpdated"))).isEqualTo(Health.inProgress("Pending termination: 1"));
        }

        @Test
        void deploymentUpdatedPodsNotAvailable() {
            assertThat(of(deployment(3, "replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 1",
                    "Progressing", "True", "ReplicaSetUpdated"))).isEqualTo(Health.inProgress("Available: 1/3"));
        }

        @Test
        void deploymentCountsMetButNewReplicaSetNotYetAvailable() {
            assertThat(of(deployment(3, "replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3",
                    "Progressing", "True", "ReplicaSetUpdated"))).isEqualTo(Health.inProgress("ReplicaSet not Available"));
        }

        @Test
        void deploymentWithoutProgressDeadlineNeedsOnlyAvailable() {
            assertThat(of("""
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: app, generation: 1}
                    spec: {replicas: 0, progressDeadlineSeconds: 2147483647}
                    status:
                      observedGeneration: 1
                      conditions: [{type: Available, status: "True"}]
                    """)).isEqualTo(Health.current("Deployment is available. Replicas: 0"));
        }

        @Test
        void deploymentNotAvailable() {
            assertThat(of("""
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: app, generation: 1}
                    spec: {replicas: 1}
                    status:
                      observedGeneration: 1
                      replicas: 1
                      updatedReplicas: 1
                      readyReplicas: 1
                      availableReplicas: 1
                      conditions:
                      - {type: Progressing, status: "True", reason: NewReplicaSetAvailable}
                      - {type: Available, status: "False", reason: MinimumReplicasUnavailable}
                    """)).isEqualTo(Health.inProgress("Deployment not Available"));
        }

        private static String deployment(int replicas, String status, String type, String condStatus, String reason) {
            return """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: app, generation: 2}
                    spec: {replicas: %d, progressDeadlineSeconds: 600}
                    status:
                      {observedGeneration: 2, %s, conditions: [
                        {type: Available, status: "True", reason: MinimumReplicasAvailable},
                        {type: %s, status: "%s", reason: %s}]}
                    """.formatted(replicas, status, type, condStatus, reason);
        }
    }

    @Nested
    class StatefulSets {

        @Test
        void statefulSetPartitionedRollout() {
            assertThat(of(statefulSet("partition: 2", "replicas: 3, readyReplicas: 3, currentReplicas: 2, updatedReplicas: 0")))
                    .isEqualTo(Health.inProgress("updated: 0/1"));
        }

        @Test
        void statefulSetPartitionedRolloutComplete() {
            assertThat(of(statefulSet("partition: 2", "replicas: 3, readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1")))
                    .isEqualTo(Health.current("Partition rollout complete. updated: 1"));
        }

        @Test
        void statefulSetRevisionMismatch() {
            assertThat(of(statefulSet("{}", "replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3,"
                    + " currentRevision: web-1, updateRevision: web-2")))
                    .isEqualTo(Health.inProgress("Waiting for updated revision to match current"));
        }

        @Test
        void statefulSetNotReady() {
            assertThat(of(statefulSet("{}", "replicas: 3, readyReplicas: 1")))
                    .isEqualTo(Health.inProgress("Ready: 1/3"));
        }

        @Test
        void statefulSetRolledOut() {
            assertThat(of(statefulSet("{}", "replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3,"
                    + " currentRevision: web-2, updateRevision: web-2")))
                    .isEqualTo(Health.current("All replicas scheduled as expected. Replicas: 3"));
        }

        @Test
        void statefulSetOnDeleteIsCurrent() {
            assertThat(of("""
                    apiVersion: apps/v1
                    kind: StatefulSet
                    spec: {replicas: 3, updateStrategy: {type: OnDelete}}
                    status: {replicas: 0}
                    """)).isEqualTo(Health.current("StatefulSet is using the ondelete update strategy"));
        }

        private static String statefulSet(String rollingUpdate, String status) {
            return """
                    apiVersion: apps/v1
                    kind: StatefulSet
                    metadata: {name: web, generation: 2}
                    spec: {replicas: 3, updateStrategy: {type: RollingUpdate, rollingUpdate: %s}}
                    status: {observedGeneration: 2, %s}
                    """.formatted(rollingUpdate.equals("{}") ? "{}" : "{" + rollingUpdate + "}", status);
        }
    }

    @Nested
    class DaemonSetsAndReplicaSets {

        @Test
        void daemonSetNotYetObserved() {
            assertThat(of("""
                    apiVersion: apps/v1
                    kind: DaemonSet
                    metadata: {name: agent, generation: 1}
                    status: {desiredNumberScheduled: 2}
                    """)).isEqualTo(Health.inProgress("DaemonSet status.observedGeneration not found"));
        }

        @Test
        void daemonSetRollingOutNamesUpdated() {
            assertThat(of(daemonSet("desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 1")))
                    .isEqualTo(Health.inProgress("Updated: 1/3"));
        }

        @Test
        void daemonSetWithoutDesiredNumber() {
            assertThat(of(daemonSet("numberReady: 0")))
                    .isEqualTo(Health.inProgress("Missing .status.desiredNumberScheduled"));
        }

        @Test
        void daemonSetAllReady() {
            assertThat(of(daemonSet("desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 3,"
                    + " numberAvailable: 3, numberReady: 3")))
                    .isEqualTo(Health.current("All replicas scheduled as expected. Replicas: 3"));
        }

        @Test
        void replicaSetReplicaFailure() {
            assertThat(of("""
                    apiVersion: apps/v1
                    kind: ReplicaSet
                    spec: {replicas: 2}
                    status:
                      replicas: 2
                      conditions: [{type: ReplicaFailure, status: "True", reason: FailedCreate}]
                    """)).isEqualTo(Health.inProgress("Replica Failure condition. Check Pods"));
        }

        @Test
        void replicaSetNotFullyLabelled() {
            assertThat(of("""
                    apiVersion: apps/v1
                    kind: ReplicaSet
                    spec: {replicas: 2}
                    status: {replicas: 2, fullyLabeledReplicas: 1, availableReplicas: 2, readyReplicas: 2}
                    """)).isEqualTo(Health.inProgress("Labelled: 1/2"));
        }

        @Test
        void replicaSetAvailable() {
            assertThat(of("""
                    apiVersion: apps/v1
                    kind: ReplicaSet
                    spec: {replicas: 2}
                    status: {replicas: 2, fullyLabeledReplicas: 2, availableReplicas: 2, readyReplicas: 2}
                    """)).isEqualTo(Health.current("ReplicaSet is available. Replicas: 2"));
        }

        private static String daemonSet(String status) {
            return """
                    apiVersion: apps/v1
                    kind: DaemonSet
                    metadata: {name: agent, generation: 1}
                    status: {observedGeneration: 1, %s}
                    """.formatted(status);
        }
    }

    @Nested
    class PodsAndJobs {

        @Test
        void podRunningAndReady() {
            assertThat(of(pod("Running", "[{type: Ready, status: \"True\"}]", "[]"))).isEqualTo(Health.current("Pod is Ready"));
        }

        @Test
        void podCrashLooping() {
            assertThat(of(pod("Running", "[{type: Ready, status: \"False\"}]", """
                    [{name: app, state: {waiting: {reason: CrashLoopBackOff}}}, {name: sidecar, state: {running: {}}},
                     {name: init, state: {waiting: {reason: CrashLoopBackOff}}}]""")))
                    .isEqualTo(Health.failed("Containers in CrashLoop state: app,init"));
        }

        @Test
        void podUnschedulableWithinWindowIsInProgress() {
            assertThat(of(pod("Pending", "[{type: PodScheduled, status: \"False\", reason: Unschedulable}]", "[]")
                    .replace("CREATED", "2026-01-01T11:59:50Z"))).isEqualTo(Health.inProgress("Pod has not been scheduled"));
        }

        @Test
        void podUnschedulablePastWindowIsFailed() {
            assertThat(of(pod("Pending", "[{type: PodScheduled, status: \"False\", reason: Unschedulable}]", "[]")
                    .replace("CREATED", "2026-01-01T11:59:40Z"))).isEqualTo(Health.failed("Pod could not be scheduled"));
        }

        @Test
        void podFailedPhaseIsCurrent() {
            assertThat(of(pod("Failed", "[]", "[]"))).isEqualTo(Health.current("Pod has completed, but not successfully"));
        }

        @Test
        void podUnknownPhaseIsUnknown() {
            assertThat(of(pod("Exploded", "[]", "[]")))
                    .isEqualTo(Health.unknown("Pod status cannot be computed: unknown phase Exploded"));
        }

        @Test
        void jobRunningIsCurrentForKstatus() {
            assertThat(of(job("{startTime: \"2026-01-01T00:00:00Z\", active: 1}")))
                    .isEqualTo(Health.current("Job in progress. success:0, active: 1, failed: 0"));
        }

        @Test
        void jobFailed() {
            assertThat(of(job("{failed: 3, conditions: [{type: Failed, status: \"True\", reason: BackoffLimitExceeded}]}")))
                    .isEqualTo(Health.failed("Job Failed. failed: 3/2"));
        }

        @Test
        void jobComplete() {
            assertThat(of(job("{succeeded: 2, conditions: [{type: Complete, status: \"True\"}]}")))
                    .isEqualTo(Health.current("Job Completed. succeeded: 2/2"));
        }

        @Test
        void jobNotStarted() {
            assertThat(of(job("{}"))).isEqualTo(Health.inProgress("Job not started"));
        }

        private static String pod(String phase, String conditions, String containers) {
            return """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: p, creationTimestamp: CREATED}
                    status: {phase: %s, conditions: %s, containerStatuses: %s}
                    """.formatted(phase, conditions, containers);
        }

        static String job(String status) {
            return """
                    apiVersion: batch/v1
                    kind: Job
                    metadata: {name: migrate}
                    spec: {completions: 2}
                    status: %s
                    """.formatted(status);
        }
    }

    @Nested
    class OtherBuiltIns {

        @Test
        void pvcPending() {
            assertThat(of("""
                    apiVersion: v1
                    kind: PersistentVolumeClaim
                    status: {phase: Pending}
                    """)).isEqualTo(Health.inProgress("PVC is not Bound. phase: Pending"));
        }

        @Test
        void pvcBound() {
            assertThat(of("""
                    apiVersion: v1
                    kind: PersistentVolumeClaim
                    status: {phase: Bound}
                    """)).isEqualTo(Health.current("PVC is Bound"));
        }

        @Test
        void loadBalancerServiceWithoutClusterIp() {
            assertThat(of("""
                    apiVersion: v1
                    kind: Service
                    spec: {type: LoadBalancer}
                    """)).isEqualTo(Health.inProgress("ClusterIP not set. Service type: LoadBalancer"));
        }

        @Test
        void loadBalancerServiceWithClusterIpIsCurrentEvenWithoutIngress() {
            assertThat(of("""
                    apiVersion: v1
                    kind: Service
                    spec: {type: LoadBalancer, clusterIP: 10.0.0.7}
                    status: {loadBalancer: {}}
                    """)).isEqualTo(Health.current("Service is ready"));
        }

        @Test
        void crdEstablished() {
            assertThat(of(crd("[{type: NamesAccepted, status: \"True\"}, {type: Established, status: \"True\"}]")))
                    .isEqualTo(Health.current("CRD is established"));
        }

        @Test
        void crdNamesConflict() {
            assertThat(of(crd("[{type: NamesAccepted, status: \"False\", reason: ListKindConflict,"
                    + " message: \"\\\"WidgetList\\\" is already in use\"}]")))
                    .isEqualTo(Health.failed("\"WidgetList\" is already in use"));
        }

        @Test
        void crdInstalling() {
            assertThat(of(crd("[{type: Established, status: \"False\", reason: Installing}]")))
                    .isEqualTo(Health.inProgress("Install in progress"));
        }

        @Test
        void podDisruptionBudgetObserved() {
            assertThat(of("""
                    apiVersion: policy/v1
                    kind: PodDisruptionBudget
                    metadata: {generation: 2}
                    status: {observedGeneration: 2}
                    """)).isEqualTo(Health.current("AllowedDisruptions has been computed."));
        }

        @Test
        void podDisruptionBudgetNotObserved() {
            assertThat(of("""
                    apiVersion: policy/v1
                    kind: PodDisruptionBudget
                    metadata: {generation: 2}
                    status: {observedGeneration: 1}
                    """).status()).isEqualTo(Status.IN_PROGRESS);
        }

        @Test
        void secretAlwaysReady() {
            assertThat(of("""
                    apiVersion: v1
                    kind: Secret
                    """)).isEqualTo(Health.current("Resource is always ready"));
        }

        private static String crd(String conditions) {
            return """
                    apiVersion: apiextensions.k8s.io/v1
                    kind: CustomResourceDefinition
                    status: {conditions: %s}
                    """.formatted(conditions);
        }
    }
}
