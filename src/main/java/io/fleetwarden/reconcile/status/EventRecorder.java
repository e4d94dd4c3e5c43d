package io.fleetwarden.reconcile.status;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events on reconciled objects, as Flux's controllers emit them (reporting component named like the
 * controller whose kind we reconcile, so {@code flux events} and {@code kubectl events} show them alike). An event
 * that cannot be written is logged, never a reconcile failure.
 */
public final class EventRecorder {

    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    private static final int MAX_MESSAGE = 1024;

    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";

    private final KubernetesClient client;
    private final Clock clock;

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void record(GenericKubernetesResource object, String component, String type, String reason, String message) {
        String now = clock.instant().toString();
        String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message;
        var meta = object.getMetadata();
        try {
            client.v1().events().inNamespace(meta.getNamespace()).resource(new EventBuilder()
                    .withNewMetadata().withNamespace(meta.getNamespace())
                    .withName(meta.getName() + "." + UUID.randomUUID().toString().substring(0, 13)).endMetadata()
                    .withNewInvolvedObject().withApiVersion(object.getApiVersion()).withKind(object.getKind())
                    .withNamespace(meta.getNamespace()).withName(meta.getName()).withUid(meta.getUid())
                    .withResourceVersion(meta.getResourceVersion()).endInvolvedObject()
                    .withType(type).withReason(reason).withMessage(text).withCount(1)
                    .withFirstTimestamp(now).withLastTimestamp(now)
                    .withNewSource().withComponent(component).endSource()
                    .withReportingComponent(component).build()).create();
        } catch (KubernetesClientException e) {
            LOG.debugf("event %s on %s %s/%s not written: %s", reason, object.getKind(), meta.getNamespace(),
                    meta.getName(), e.getMessage());
        }
    }
}
