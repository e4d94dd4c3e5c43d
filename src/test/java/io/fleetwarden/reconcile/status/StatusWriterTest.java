package io.fleetwarden.reconcile.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class StatusWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void aPatchThatRepeatsTheStatusChangesNothing() throws Exception {
        JsonNode old = json("{\"observedGeneration\":2,\"extra\":\"kept\",\"conditions\":[{\"type\":\"Ready\"}]}");
        assertThat(StatusWriter.changes(old, json("{\"observedGeneration\":2,\"conditions\":[{\"type\":\"Ready\"}]}")))
                .isFalse();
    }

    @Test
    void numbersCompareByValueNotByJsonType() throws Exception {
        JsonNode old = JSON.valueToTree(java.util.Map.of("observedGeneration", 2));
        assertThat(StatusWriter.changes(old, json("{\"observedGeneration\":2}"))).isFalse();
        assertThat(StatusWriter.changes(old, json("{\"observedGeneration\":3}"))).isTrue();
    }

    @Test
    void aNewFieldAChangedArrayOrARemovedFieldIsAChange() throws Exception {
        JsonNode old = json("{\"a\":1,\"list\":[1,2]}");
        assertThat(StatusWriter.changes(old, json("{\"b\":1}"))).isTrue();
        assertThat(StatusWriter.changes(old, json("{\"list\":[1]}"))).isTrue();
        assertThat(StatusWriter.changes(old, json("{\"a\":null}"))).isTrue();
        assertThat(StatusWriter.changes(old, json("{\"gone\":null}"))).isFalse();
        assertThat(StatusWriter.changes(null, json("{\"a\":1}"))).isTrue();
    }
}
