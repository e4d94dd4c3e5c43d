package io.fleetwarden.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.kube.DenialEvents;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.TestNamespaces;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The webhooks declare {@code sideEffects: NoneOnDryRun}: a denied dry run ({@code kubectl apply --dry-run=server})
 * is answered like any other review but writes no Event, on the real API server.
 */
class DryRunEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aDeniedDryRunWritesNoEventWhereTheSameDenialForRealDoes() throws Exception {
        try (KubernetesClient admin = ControlPlane.shared().adminClient()) {
            String ns = TestNamespaces.create(admin, "dry-run");
            try (DenialEvents writer = new DenialEvents(admin, Clock.systemUTC(),
                    new DenialEvents.Settings(16, 100, Duration.ofHours(1), 10, Duration.ofHours(1)), "replica-1",
                    new SimpleMeterRegistry())) {
                AdmissionEvents events = new AdmissionEvents(writer, p -> Optional.of("policy-uid"));
                AdmissionDecision denied = AdmissionDecision.deny("PolicyDenied", "fleetwarden: not signed")
                        .deniedBy(List.of(new AdmissionDecision.PolicyRef("ArtifactPolicy", "dry-run-" + ns)));

                // The dry run first: the writer's queue is in order, so once the real denial is written the dry
                // run would have been too.
                events.reviewed(update(ns, "previewed", true), denied);
                events.reviewed(update(ns, "applied", false), denied);
                writer.flush(Duration.ofSeconds(10));

                assertThat(eventsAbout(admin, ns, "applied")).singleElement()
                        .satisfies(e -> assertThat(e.getMessage()).isEqualTo("fleetwarden: not signed"));
                assertThat(eventsAbout(admin, ns, "previewed")).isEmpty();
                assertThat(eventsAbout(admin, "default", "dry-run-" + ns)).singleElement()
                        .satisfies(e -> assertThat(e.getMessage()).startsWith("OCIRepository " + ns + "/applied (UPDATE)"));
            }
        }
    }

    private static AdmissionInput update(String ns, String name, boolean dryRun) throws Exception {
        JsonNode object = JSON.readTree("{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns
                + "\",\"uid\":\"uid-" + name + "\"}}");
        return new AdmissionInput("req-" + name, "UPDATE", "source.toolkit.fluxcd.io", "v1", "OCIRepository", null, ns,
                name, object, object, "someone", Set.of(), dryRun);
    }

    private static List<Event> eventsAbout(KubernetesClient admin, String namespace, String involvedName) {
        return admin.v1().events().inNamespace(namespace).withField("involvedObject.name", involvedName).list().getItems();
    }
}
