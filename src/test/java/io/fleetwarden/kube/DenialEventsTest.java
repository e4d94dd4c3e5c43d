package io.fleetwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.TestNamespaces;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Denial Events on the real API server: what is written, that a repeated denial raises the count of one Event
 * instead of writing another, the bounds (rate limit, queue), and a writer without RBAC saying so.
 */
class DenialEventsTest {

    private static ControlPlane plane;
    private static KubernetesClient admin;
    private static String ns;

    @BeforeAll
    static void start() {
        plane = ControlPlane.shared();
        admin = plane.adminClient();
        ns = TestNamespaces.create(admin, "events");
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    private static DenialEvents.Settings settings(int queue, int burst) {
        return new DenialEvents.Settings(queue, 100, Duration.ofHours(1), burst, Duration.ofHours(1));
    }

    private static DenialEvents.Denial denial(String name, String policyUid, String message) {
        return new DenialEvents.Denial(
                new DenialEvents.ObjectRef("source.toolkit.fluxcd.io/v1", "OCIRepository", ns, name, "uid-" + name),
                List.of(new DenialEvents.ObjectRef("fleetwarden.io/v1alpha1", "ArtifactPolicy", "", "policy-" + name,
                        policyUid)),
                "OCIRepository " + ns + "/" + name + " (UPDATE)", "PolicyDenied", message);
    }

    private static List<Event> events(String namespace, String involvedName) {
        return admin.v1().events().inNamespace(namespace).withField("involvedObject.name", involvedName).list().getItems();
    }

    @Test
    void aDenialIsAWarningOnTheObjectAndOnThePolicyAndRepeatsRaiseItsCount() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        String policyUid = UUID.randomUUID().toString();
        try (DenialEvents events = new DenialEvents(admin, Clock.systemUTC(), settings(16, 10), "replica-1", metrics)) {
            events.denied(denial("app", policyUid, "fleetwarden: oci://r/app is not signed"));
            events.flush(Duration.ofSeconds(10));

            Event onObject = events(ns, "app").get(0);
            assertThat(onObject.getType()).isEqualTo("Warning");
            assertThat(onObject.getReason()).isEqualTo("PolicyDenied");
            assertThat(onObject.getMessage()).isEqualTo("fleetwarden: oci://r/app is not signed");
            assertThat(onObject.getCount()).isEqualTo(1);
            assertThat(onObject.getInvolvedObject().getKind()).isEqualTo("OCIRepository");
            assertThat(onObject.getInvolvedObject().getNamespace()).isEqualTo(ns);
            assertThat(onObject.getInvolvedObject().getUid()).isEqualTo("uid-app");
            assertThat(onObject.getSource().getComponent()).isEqualTo("fleetwarden");
            assertThat(onObject.getReportingComponent()).isEqualTo("fleetwarden");
            assertThat(onObject.getReportingInstance()).isEqualTo("replica-1");
            // A cluster-scoped policy's Events go to default, as client-go puts them.
            Event onPolicy = events("default", "policy-app").get(0);
            assertThat(onPolicy.getInvolvedObject().getUid()).isEqualTo(policyUid);
            assertThat(onPolicy.getInvolvedObject().getNamespace()).isNull();
            assertThat(onPolicy.getMessage()).isEqualTo("OCIRepository " + ns + "/app (UPDATE) denied: fleetwarden: "
                    + "oci://r/app is not signed");

            for (int i = 0; i < 3; i++) {
                events.denied(denial("app", policyUid, "fleetwarden: oci://r/app is not signed"));
            }
            events.flush(Duration.ofSeconds(10));
            assertThat(events(ns, "app")).singleElement().satisfies(e -> {
                assertThat(e.getMetadata().getName()).isEqualTo(onObject.getMetadata().getName());
                assertThat(e.getCount()).isEqualTo(4);
                assertThat(e.getFirstTimestamp()).isEqualTo(onObject.getFirstTimestamp());
            });
            assertThat(events("default", "policy-app")).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(4));

            // Another reason or message is another Event.
            events.denied(denial("app", policyUid, "fleetwarden: oci://r/app is signed by someone else"));
            events.flush(Duration.ofSeconds(10));
            assertThat(events(ns, "app")).hasSize(2);

            // An Event gone (expired) is written again at the next repeat.
            admin.resource(onObject).delete();
            events.denied(denial("app", policyUid, "fleetwarden: oci://r/app is not signed"));
            events.flush(Duration.ofSeconds(10));
            events.denied(denial("app", policyUid, "fleetwarden: oci://r/app is not signed"));
            events.flush(Duration.ofSeconds(10));
            assertThat(events(ns, "app")).filteredOn(e -> e.getMessage().endsWith("is not signed")).singleElement()
                    .satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
        }
        assertThat(metrics.counter("fleetwarden.admission.events", "result", "created").count()).isEqualTo(5);
        assertThat(metrics.counter("fleetwarden.admission.events", "result", "updated").count()).isEqualTo(4);
    }

    @Test
    void newEventsAreRateLimitedAndAFullQueueDropsWithoutWaiting() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (DenialEvents events = new DenialEvents(admin, Clock.systemUTC(), settings(4, 3), "", metrics)) {
            long start = System.nanoTime();
            for (int i = 0; i < 500; i++) {
                events.denied(new DenialEvents.Denial(new DenialEvents.ObjectRef("v1", "ConfigMap", ns, "limited-" + i,
                        "u" + i), List.of(), "", "TenancyViolation", "no"));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("offering never waits for the writer")
                    .isLessThan(Duration.ofMillis(500));
            events.flush(Duration.ofSeconds(10));
        }
        double created = metrics.counter("fleetwarden.admission.events", "result", "created").count();
        double limited = metrics.counter("fleetwarden.admission.events", "result", "rate-limited").count();
        double full = metrics.counter("fleetwarden.admission.events", "result", "queue-full").count();
        assertThat(created).isEqualTo(3);
        assertThat(full).isPositive();
        assertThat(created + limited + full).isEqualTo(500);
        assertThat(admin.v1().events().inNamespace(ns).list().getItems())
                .filteredOn(e -> e.getInvolvedObject().getName().startsWith("limited-")).hasSize(3);
    }

    @Test
    void withoutRbacNothingIsWrittenAndTheFailureIsCounted() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (KubernetesClient nobody = ControlPlane.clientFor(plane.userKubeconfig("events-nobody"));
                DenialEvents events = new DenialEvents(nobody, Clock.systemUTC(), settings(16, 10), "", metrics)) {
            events.denied(denial("forbidden", "", "no"));
            events.flush(Duration.ofSeconds(10));
        }
        assertThat(metrics.counter("fleetwarden.admission.events", "result", "failed").count()).isEqualTo(2);
        assertThat(events(ns, "forbidden")).isEmpty();
    }

    @Test
    void credentialsInUrlsAreMaskedAndMessagesAreBounded() {
        assertThat(DenialEvents.text("url \"https://bot:ghp_secret@github.com/acme/x\" and oci://u:p@r.example/a"))
                .isEqualTo("url \"https://***@github.com/acme/x\" and oci://***@r.example/a");
        assertThat(DenialEvents.text("x".repeat(5000))).hasSize(DenialEvents.MAX_MESSAGE).endsWith("...");
    }
}
