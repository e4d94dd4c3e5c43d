package io.fleetwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fleetwarden.api.v1alpha1.ArtifactPolicy;
import io.fleetwarden.api.v1alpha1.PolicyStatus;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.testing.MockApiServer;
import io.fleetwarden.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Status writes against the mock API server: copies, bounded retries, honest transition times. */
class PolicyStatusWriterTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    MockApiServer api;
    KubernetesClient kube;
    PolicyInformer policies;
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @BeforeEach
    void start() {
        api = MockApiServer.start();
        kube = api.client();
        policies = new PolicyInformer(kube, Uncovered.DENY);
        policies.start();
        await().atMost(Duration.ofSeconds(20)).until(policies::synced);
    }

    @AfterEach
    void stop() {
        policies.close();
        kube.close();
        api.close();
    }

    void apply(String subjectRegExp) throws Exception {
        ArtifactPolicy p = YAML.readValue("""
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: status-writes}
                spec:
                  sources: ["oci://ghcr.io/acme/status/*"]
                  authorities: [{keyless: {issuer: https://token.actions.githubusercontent.com, subjectRegExp: "%s"}}]
                """.formatted(subjectRegExp), ArtifactPolicy.class);
        ArtifactPolicy existing = kube.resources(ArtifactPolicy.class).withName("status-writes").get();
        if (existing == null) {
            kube.resource(p).create();
        } else {
            existing.setSpec(p.getSpec());
            kube.resource(existing).update();
        }
        String spec = YAML.writeValueAsString(p.getSpec());
        await().atMost(Duration.ofSeconds(20)).until(() -> cached().filter(c -> {
            try {
                return YAML.writeValueAsString(c.getSpec()).equals(spec);
            } catch (Exception e) {
                return false;
            }
        }).isPresent());
    }

    Optional<ArtifactPolicy> cached() {
        return policies.artifactPolicies().stream().filter(p -> "status-writes".equals(p.getMetadata().getName()))
                .findFirst();
    }

    PolicyStatus stored() {
        return kube.resources(ArtifactPolicy.class).withName("status-writes").get().getStatus();
    }

    /** Waits until the informer has seen the stored status, as the next round would. */
    void awaitCachedStatus(PolicyStatus status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> cached().map(ArtifactPolicy::getStatus)
                .filter(s -> s.loadedAt.equals(status.loadedAt)).isPresent());
    }

    @Test
    void aFailedWriteLeavesTheCacheAloneIsRetriedWithBackoffAndAgainNextRound() throws Exception {
        apply("(x");
        AtomicInteger attempts = new AtomicInteger();
        List<Duration> waits = new CopyOnWriteArrayList<>();
        PolicyStatusWriter failing = new PolicyStatusWriter(kube, policies, clock, n -> Optional.empty(), p -> {
            attempts.incrementAndGet();
            throw new KubernetesClientException("etcdserver: request timed out", 500, null);
        }, d -> waits.add(d));
        failing.run();
        assertThat(attempts).hasValue(PolicyStatusWriter.MAX_ATTEMPTS);
        assertThat(waits).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
        // The informer's object is shared: it must still say what the API server holds (no status).
        assertThat(cached().orElseThrow().getStatus()).isNull();
        assertThat(stored()).isNull();

        // A write that fails once then succeeds is retried within the round.
        AtomicInteger second = new AtomicInteger();
        new PolicyStatusWriter(kube, policies, clock, n -> Optional.empty(), p -> {
            if (second.incrementAndGet() == 1) {
                throw new KubernetesClientException("too many requests", 429, null);
            }
            kube.resource(p).updateStatus();
        }, d -> true).run();
        assertThat(second).hasValue(2);
        assertThat(stored().conditions).singleElement().satisfies(c -> assertThat(c.getReason()).isEqualTo("Invalid"));

        // A conflict is not retried blindly: the next round reads the current object.
        AtomicInteger conflicts = new AtomicInteger();
        apply("(y");
        new PolicyStatusWriter(kube, policies, clock, n -> Optional.empty(), p -> {
            conflicts.incrementAndGet();
            throw new KubernetesClientException("conflict", 409, null);
        }, d -> true).run();
        assertThat(conflicts).hasValue(1);
    }

    @Test
    void aPolicyStoredWithAFieldFleetwardenDoesNotKnowIsNotInForceAndItsStatusSaysWhy() throws Exception {
        // Only possible while the policy webhook is not called; the mock API server keeps what it is given.
        kube.genericKubernetesResources(PolicyInformer.ARTIFACT_POLICIES).resource(io.fabric8.kubernetes.client.utils
                .Serialization.unmarshal("""
                        apiVersion: fleetwarden.io/v1alpha1
                        kind: ArtifactPolicy
                        metadata: {name: status-writes}
                        spec:
                          sources: ["oci://ghcr.io/acme/status/*"]
                          authorities:
                            - keyless:
                                issuer: https://token.actions.githubusercontent.com
                                subjectRegExp: ^https://github\\.com/acme/status/.+$
                                github: {repository: acme/status, workfow: .github/workflows/release.yaml}
                        """, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class)).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> policies.unreadable("ArtifactPolicy", "status-writes").isPresent());
        assertThat(policies.get().policies()).isEmpty();

        new PolicyStatusWriter(kube, policies, clock, n -> Optional.empty()).run();

        // Read as stored: the typed client refuses the unknown field (which is why the informer reads generically).
        java.util.Map<String, Object> status = kube.genericKubernetesResources(PolicyInformer.ARTIFACT_POLICIES)
                .withName("status-writes").get().get("status");
        assertThat((List<?>) status.get("conditions")).singleElement().asString().contains("status=False")
                .contains("reason=Invalid").contains("message=not in force: ")
                .contains("spec.authorities[0].keyless.github.workfow");
    }

    @Test
    void lastTransitionTimeChangesOnlyWhenTheStatusDoes() throws Exception {
        PolicyStatusWriter writer = new PolicyStatusWriter(kube, policies, clock, n -> Optional.empty());
        Instant t1 = clock.instant();
        apply("(x");
        writer.run();
        PolicyStatus first = stored();
        assertThat(first.conditions.get(0).getStatus()).isEqualTo("False");
        assertThat(first.conditions.get(0).getLastTransitionTime()).isEqualTo(t1.toString());
        awaitCachedStatus(first);

        // Still invalid, for another reason: a new message and loadedAt, the same transition time.
        clock.advance(Duration.ofMinutes(5));
        apply("[y");
        writer.run();
        PolicyStatus second = stored();
        Condition c2 = second.conditions.get(0);
        assertThat(c2.getMessage()).isNotEqualTo(first.conditions.get(0).getMessage());
        assertThat(second.loadedAt).isEqualTo(clock.instant().toString());
        assertThat(c2.getLastTransitionTime()).isEqualTo(t1.toString());
        awaitCachedStatus(second);

        // Fixed: the status turns True, and only now the transition time moves.
        clock.advance(Duration.ofMinutes(5));
        apply("^https://github\\\\.com/acme/status/.*$");
        writer.run();
        Condition c3 = stored().conditions.get(0);
        assertThat(c3.getStatus()).isEqualTo("True");
        assertThat(c3.getLastTransitionTime()).isEqualTo(clock.instant().toString());
    }
}
