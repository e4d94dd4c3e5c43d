package io.fleetwarden.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionTest {

    private static final Condition READY_OLD = new Condition("Ready", "True", "Succeeded", "stored rev 1", 1,
            "2026-12-01T00:00:00Z");
    private static final Condition FETCH_FAILED = new Condition("FetchFailed", "True", "OCIArtifactPullFailed", "down",
            1, "2026-12-01T00:00:00Z");

    @Test
    void aChangedMessageKeepsTheTransitionTimeWhileTheStatusStays() {
        List<Condition> next = Condition.merge(List.of(READY_OLD), List.of(Condition.of("Ready", "True", "Succeeded",
                "stored rev 2", 2)), List.of(), "2026-12-03T00:00:00Z");
        assertThat(next).singleElement().satisfies(c -> {
            assertThat(c.message()).isEqualTo("stored rev 2");
            assertThat(c.lastTransitionTime()).isEqualTo("2026-12-01T00:00:00Z");
        });
    }

    @Test
    void aChangedStatusIsStampedNow() {
        List<Condition> next = Condition.merge(List.of(READY_OLD), List.of(Condition.of("Ready", "False", "Failed",
                "x", 2)), List.of(), "2026-12-03T00:00:00Z");
        assertThat(next.get(0).lastTransitionTime()).isEqualTo("2026-12-03T00:00:00Z");
    }

    @Test
    void typesToRemoveGoAndOthersStay() {
        Condition other = new Condition("Healthy", "True", "Succeeded", "", 1, "t");
        List<Condition> next = Condition.merge(List.of(READY_OLD, FETCH_FAILED, other), List.of(READY_OLD),
                List.of("FetchFailed"), "now");
        assertThat(next).extracting(Condition::type).containsExactly("Ready", "Healthy");
    }

    @Test
    void sameAsIgnoresOnlyTheTransitionTime() {
        assertThat(READY_OLD.sameAs(new Condition("Ready", "True", "Succeeded", "stored rev 1", 1, "later"))).isTrue();
        assertThat(READY_OLD.sameAs(new Condition("Ready", "True", "Succeeded", "stored rev 1", 2, "later"))).isFalse();
    }
}
