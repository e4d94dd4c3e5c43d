package io.fleetwarden.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What Flux Operator would refuse in a FluxInstance's sync is refused here, every problem at once, by field. */
class FluxInstanceSyncTest {

    private static JsonNode instance(String sync) {
        return Yaml.object("fi.yaml", ("""
                apiVersion: fluxcd.controlplane.io/v1
                kind: FluxInstance
                metadata: {name: flux, namespace: flux-system}
                spec:
                  distribution: {version: "2.x"}
                """ + sync).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anInstanceWithoutSyncMakesNoObjects() {
        assertThat(FluxInstanceSync.render(instance(""), Limits.DEFAULT)).isEmpty();
        assertThat(FluxInstanceSync.isFluxInstance(instance(""))).isTrue();
    }

    @Test
    void everyProblemOfTheSyncIsNamedByItsField() {
        assertThatThrownBy(() -> FluxInstanceSync.render(instance("""
                  sync:
                    kind: HelmRepository
                    url: oci://example.com/fleet
                    interval: 10 minutes
                """), Limits.DEFAULT)).isInstanceOf(RenderException.class).hasMessage(
                "spec.sync.kind: \"HelmRepository\" is not one of OCIRepository, GitRepository, Bucket; "
                        + "spec.sync.ref: is required; spec.sync.path: is required; "
                        + "spec.sync.interval: \"10 minutes\" is not a duration like 30s, 10m or 1h");
    }

    @Test
    void aPatchThatIsNotAListIsRefused() {
        assertThatThrownBy(() -> FluxInstanceSync.render(instance("""
                  sync: {kind: OCIRepository, url: oci://example.com/fleet, ref: latest, path: ./}
                  kustomize:
                    patches: {patch: "- op: remove"}
                """), Limits.DEFAULT)).isInstanceOf(RenderException.class)
                .hasMessage("spec.kustomize.patches: must be a list of patches");
    }

    @Test
    void durationsArePrintedAsGoPrintsThem() {
        assertThat(GoDurationText.format(GoDurationText.nanos("1m"))).isEqualTo("1m0s");
        assertThat(GoDurationText.format(GoDurationText.nanos("90s"))).isEqualTo("1m30s");
        assertThat(GoDurationText.format(GoDurationText.nanos("1.5h"))).isEqualTo("1h30m0s");
        assertThat(GoDurationText.format(GoDurationText.nanos("500ms"))).isEqualTo("500ms");
        assertThat(GoDurationText.format(GoDurationText.nanos("2h0.5s"))).isEqualTo("2h0m0.5s");
    }
}
