package io.fleetwarden.config;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.admission.AdmissionDecision;
import io.fleetwarden.admission.AdmissionEvents;
import io.fleetwarden.kube.DenialEvents;
import io.fleetwarden.kube.PolicyInformer;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;

/** Events for admission denials, written by every replica (each answers its own reviews). */
@ApplicationScoped
public class EventProducers {

    @Produces
    @Singleton
    Optional<DenialEvents> denialEvents(KubernetesClient client, EventsConfig config, MeterRegistry metrics) {
        if (!config.enabled()) {
            return Optional.empty();
        }
        String pod = Optional.ofNullable(System.getenv("POD_NAME")).orElseGet(() -> System.getenv("HOSTNAME"));
        return Optional.of(new DenialEvents(client, Clock.systemUTC(), new DenialEvents.Settings(config.queue(),
                config.remembered(), config.flushPeriod(), config.burst(), config.refill()), pod, metrics));
    }

    void closeDenialEvents(@Disposes Optional<DenialEvents> events) {
        events.ifPresent(DenialEvents::close);
    }

    @Produces
    @Singleton
    AdmissionEvents admissionEvents(Optional<DenialEvents> events, PolicyInformer policies) {
        return events.map(e -> new AdmissionEvents(e, ref -> uid(policies, ref))).orElseGet(AdmissionEvents::none);
    }

    private static Optional<String> uid(PolicyInformer policies, AdmissionDecision.PolicyRef ref) {
        var objects = "TenancyPolicy".equals(ref.kind()) ? policies.tenancyPolicies() : policies.artifactPolicies();
        return objects.stream().filter(p -> p.getMetadata().getName().equals(ref.name()))
                .map(p -> p.getMetadata().getUid()).findFirst();
    }
}
