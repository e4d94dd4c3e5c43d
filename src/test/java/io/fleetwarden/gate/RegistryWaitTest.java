package io.fleetwarden.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RegistryWaitTest {

    @Test
    void overlappingCallsCountOnceAndGapsNotAtAll() {
        AtomicLong now = new AtomicLong(1_000);
        RegistryWait wait = new RegistryWait(now::get);

        wait.enter();            // t=1000: the tag's HEAD
        now.set(1_300);
        wait.exit();             // 300 waited
        now.set(1_500);          // 200 of our own work: not waiting
        wait.enter();            // referrers ...
        now.set(1_600);
        wait.enter();            // ... and, in parallel, the legacy tag
        now.set(1_900);
        wait.exit();
        assertThat(wait.nanos()).isEqualTo(300 + 400); // a call still in flight counts up to now
        now.set(2_000);
        wait.exit();             // 500 in all for the two overlapping calls, not 800

        assertThat(wait.nanos()).isEqualTo(300 + 500);
    }
}
