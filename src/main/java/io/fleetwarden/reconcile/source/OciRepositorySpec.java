package io.fleetwarden.reconcile.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.artifact.LayerSelector;
import io.fleetwarden.reconcile.FluxDurations;
import io.fleetwarden.source.OciSource;
import java.time.Duration;

/**
 * What the reconciler reads of an OCIRepository besides the {@link OciSource} the gate judges.
 *
 * @param timeout Flux's default is 60 s; every registry call of one reconcile runs under it
 * @param ignore  {@code spec.ignore} as written, null when absent: ignore rules in {@code .gitignore} form for an
 *                extracted layer ({@link io.fleetwarden.artifact.SourceIgnore}); read as they are, checked against
 *                the bounds only where they apply
 */
public record OciRepositorySpec(OciSource source, Duration interval, Duration timeout, boolean suspend,
        LayerSelector layerSelector, String ignore) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** @throws IllegalArgumentException naming the field, for a spec the API server should not have let in */
    public static OciRepositorySpec of(OciSource source, JsonNode spec) {
        Duration interval = FluxDurations.parse(spec.path("interval").asText(null), "spec.interval");
        Duration timeout = spec.hasNonNull("timeout") ? FluxDurations.parse(spec.get("timeout").asText(), "spec.timeout")
                : DEFAULT_TIMEOUT;
        JsonNode ls = spec.path("layerSelector");
        LayerSelector selector = LayerSelector.DEFAULT;
        // Either field alone counts, as source-controller reads them (GetLayerMediaType, GetLayerOperation): an
        // operation without a media type applies to the first layer.
        if (ls.isObject()) {
            String op = ls.hasNonNull("operation") ? ls.get("operation").asText() : "extract";
            LayerSelector.Operation operation = switch (op) {
                case "extract", "" -> LayerSelector.Operation.EXTRACT;
                case "copy" -> LayerSelector.Operation.COPY;
                default -> throw new IllegalArgumentException("spec.layerSelector.operation: must be extract or copy, got \""
                        + op + "\"");
            };
            selector = new LayerSelector(ls.path("mediaType").asText(null), operation);
        }
        String ignore = spec.hasNonNull("ignore") ? spec.get("ignore").asText() : null;
        return new OciRepositorySpec(source, interval, timeout, spec.path("suspend").asBoolean(false), selector,
                ignore);
    }
}
