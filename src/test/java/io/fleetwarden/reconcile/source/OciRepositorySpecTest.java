package io.fleetwarden.reconcile.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.artifact.LayerSelector;
import io.fleetwarden.artifact.LayerSelector.Operation;
import io.fleetwarden.source.OciSource;
import org.junit.jupiter.api.Test;

/** {@link OciRepositorySpec}: the fields of an OCIRepository's spec the reconciler reads, as source-controller does. */
class OciRepositorySpecTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void withoutALayerSelectorTheFirstLayerIsExtracted() throws Exception {
        assertThat(spec("").layerSelector()).isEqualTo(LayerSelector.DEFAULT);
    }

    @Test
    void aLayerSelectorsOperationAppliesWithoutAMediaType() throws Exception {
        assertThat(spec(",\"layerSelector\":{\"operation\":\"copy\"}").layerSelector())
                .isEqualTo(new LayerSelector(null, Operation.COPY));
        assertThat(spec(",\"layerSelector\":{}").layerSelector()).isEqualTo(LayerSelector.DEFAULT);
        assertThat(spec(",\"layerSelector\":{\"mediaType\":\"application/x\"}").layerSelector())
                .isEqualTo(new LayerSelector("application/x", Operation.EXTRACT));
    }

    @Test
    void specIgnoreIsReadAsWrittenAndNullWhenAbsent() throws Exception {
        assertThat(spec("").ignore()).isNull();
        assertThat(spec(",\"ignore\":null").ignore()).isNull();
        assertThat(spec(",\"ignore\":\"\"").ignore()).isEmpty();
        assertThat(spec(",\"ignore\":\"/*\\n!/deploy \\n\"").ignore()).isEqualTo("/*\n!/deploy \n");
    }

    static OciRepositorySpec spec(String extraSpec) throws Exception {
        JsonNode object = JSON.readTree("""
                {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"OCIRepository",
                 "metadata":{"name":"apps","namespace":"flux-system"},
                 "spec":{"url":"oci://registry.test/fleet","ref":{"tag":"v1"},"interval":"5m"%s}}
                """.formatted(extraSpec));
        return OciRepositorySpec.of(((OciSource.Valid) OciSource.from(object)).source(), object.path("spec"));
    }
}
