package io.fleetwarden.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FluxDurationsTest {

    @Test
    void goDurationsAsFluxWritesThem() {
        assertThat(FluxDurations.parse("10m", "f")).isEqualTo(Duration.ofMinutes(10));
        assertThat(FluxDurations.parse("1h30m", "f")).isEqualTo(Duration.ofMinutes(90));
        assertThat(FluxDurations.parse("500ms", "f")).isEqualTo(Duration.ofMillis(500));
        assertThat(FluxDurations.parse("1.5h", "f")).isEqualTo(Duration.ofMinutes(90));
        assertThat(FluxDurations.parse("2m30s", "f")).isEqualTo(Duration.ofSeconds(150));
    }

    @Test
    void anythingElseNamesTheField() {
        assertThatThrownBy(() -> FluxDurations.parse("10 minutes", "spec.interval"))
                .hasMessage("spec.interval: \"10 minutes\" is not a duration like 30s, 10m or 1h");
        assertThatThrownBy(() -> FluxDurations.parse("5d", "spec.timeout")).hasMessageStartingWith("spec.timeout: ");
        assertThatThrownBy(() -> FluxDurations.parse(null, "spec.interval")).hasMessage("spec.interval: is required");
    }
}
