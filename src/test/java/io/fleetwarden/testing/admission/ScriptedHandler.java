package io.fleetwarden.testing.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.admission.AdmissionDecision;
import io.fleetwarden.admission.AdmissionHandler;
import io.fleetwarden.admission.AdmissionInput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * A test handler whose decision is written in the reviewed object's {@code spec}: {@code allowed}
 * (default true), {@code code}, {@code reason}, {@code message}, {@code warnings} (array), {@code patch} (a
 * JSON Patch array, sent as given), {@code throw} (a message to throw with). It keeps the inputs it saw,
 * by uid, so tests can check what the edge parsed.
 */
public abstract class ScriptedHandler implements AdmissionHandler {

    private static final Map<String, AdmissionInput> SEEN = new ConcurrentHashMap<>();

    public static AdmissionInput seen(String uid) {
        return SEEN.get(uid);
    }

    @Override
    public AdmissionDecision handle(AdmissionInput input) {
        SEEN.put(input.uid(), input);
        JsonNode spec = (input.object() != null ? input.object() : input.oldObject()).path("spec");
        if (spec.has("throw")) {
            throw new IllegalStateException(spec.get("throw").asText());
        }
        List<String> warnings = new ArrayList<>();
        spec.path("warnings").forEach(w -> warnings.add(w.asText()));
        boolean allowed = spec.path("allowed").asBoolean(true);
        return new AdmissionDecision(allowed, spec.path("code").asInt(allowed ? 200 : 403),
                spec.path("reason").asText(allowed ? "Verified" : "PolicyDenied"), spec.path("message").asText(""),
                warnings, spec.has("patch") ? spec.get("patch").toString() : null);
    }
}
