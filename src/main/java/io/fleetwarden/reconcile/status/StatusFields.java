package io.fleetwarden.reconcile.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetwarden.apply.Inventory;
import io.fleetwarden.status.Condition;
import io.fleetwarden.status.ConditionTypes;
import java.time.Clock;
import java.util.List;

/** What the status writers of the Flux and Flux Operator kinds read from an object and write into its status. */
public final class StatusFields {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusFields() {
    }

    /** The object's status as JSON (missing node when it has none). */
    public static JsonNode status(GenericKubernetesResource object) {
        return JSON.valueToTree(object.getAdditionalProperties().get("status"));
    }

    public static long generation(GenericKubernetesResource object) {
        return object.getMetadata().getGeneration() == null ? 0 : object.getMetadata().getGeneration();
    }

    /** The conditions after {@code wanted} are merged into the object's (transition times kept when unchanged). */
    public static ArrayNode conditions(GenericKubernetesResource object, List<Condition> wanted, List<String> remove,
            Clock clock) {
        return ConditionsJson.write(Condition.merge(ConditionsJson.read(status(object)), wanted, remove,
                clock.instant().toString()));
    }

    /** Whether the object's Ready condition says something else than {@code reason}: {@code message}. */
    public static boolean readyDiffers(GenericKubernetesResource object, String reason, String message) {
        Condition before = ConditionsJson.find(ConditionsJson.read(status(object)), ConditionTypes.READY);
        return before == null || !before.reason().equals(reason) || !before.message().equals(message);
    }

    /** {@code status.inventory} as Flux writes it. */
    public static JsonNode inventory(Inventory inventory) {
        try {
            return JSON.readTree(inventory.toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
