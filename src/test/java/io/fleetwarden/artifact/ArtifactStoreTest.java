package io.fleetwarden.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetwarden.artifact.ArtifactStore.Key;
import io.fleetwarden.artifact.ArtifactStore.Stats;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.RegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ArtifactStore}: LRU by bytes, single-flight loads, failures not kept. */
class ArtifactStoreTest {

    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void theLeastRecentlyUsedArtifactIsEvictedWhenTheBytesRunOut() throws Exception {
        ArtifactStore store = new ArtifactStore(100);
        store.getOrLoad(key("a"), () -> artifact("a", 40));
        store.getOrLoad(key("b"), () -> artifact("b", 40));
        assertThat(store.get(key("a"))).isPresent(); // a is now more recent than b

        store.getOrLoad(key("c"), () -> artifact("c", 40));

        assertThat(store.get(key("b"))).isEmpty();
        assertThat(store.get(key("a"))).isPresent();
        assertThat(store.get(key("c"))).isPresent();
        Stats stats = store.stats();
        assertThat(stats.entries()).isEqualTo(2);
        assertThat(stats.bytes()).isEqualTo(80);
        assertThat(stats.evictions()).isEqualTo(1);
        assertThat(stats.misses()).as("3 loads and the get of b").isEqualTo(4);
        assertThat(stats.hits()).isEqualTo(3);
    }

    @Test
    void aKeptArtifactIsServedWithoutLoading() throws Exception {
        ArtifactStore store = new ArtifactStore(100);
        PulledArtifact first = store.getOrLoad(key("a"), () -> artifact("a", 10));

        PulledArtifact second = store.getOrLoad(key("a"), () -> {
            throw new AssertionError("must not load again");
        });

        assertThat(second).isSameAs(first);
    }

    @Test
    void theLayerSelectorIsPartOfTheKey() throws Exception {
        ArtifactStore store = new ArtifactStore(100);
        Digest manifest = digest("a");
        store.getOrLoad(new Key(manifest, LayerSelector.DEFAULT), () -> artifact("a", 10));

        assertThat(store.get(new Key(manifest, new LayerSelector(null, LayerSelector.Operation.COPY)))).isEmpty();
    }

    @Test
    void theIgnoreRulesArePartOfTheKeyOfAnExtractedLayerOnly() throws Exception {
        ArtifactStore store = new ArtifactStore(100);
        Digest manifest = digest("a");
        LayerSelector copy = new LayerSelector(null, LayerSelector.Operation.COPY);
        store.getOrLoad(new Key(manifest, LayerSelector.DEFAULT), () -> artifact("a", 10));
        store.getOrLoad(new Key(manifest, copy, "*.md"), () -> artifact("a", 10));

        assertThat(store.get(new Key(manifest, LayerSelector.DEFAULT, "*.md"))).isEmpty();
        assertThat(store.get(new Key(manifest, LayerSelector.DEFAULT, null))).isPresent();
        // A copied layer is never filtered: one entry whatever the rules.
        assertThat(store.get(new Key(manifest, copy, "other"))).isPresent();
        assertThat(new Key(manifest, copy, "other").ignore()).isNull();
    }

    @Test
    void anArtifactLargerThanTheStoreIsReturnedButNotKept() throws Exception {
        ArtifactStore store = new ArtifactStore(100);
        store.getOrLoad(key("small"), () -> artifact("small", 50));

        PulledArtifact big = store.getOrLoad(key("big"), () -> artifact("big", 101));

        assertThat(big.tree().totalBytes()).isEqualTo(101);
        assertThat(store.get(key("big"))).isEmpty();
        assertThat(store.get(key("small"))).as("nothing was evicted for it").isPresent();
        assertThat(store.stats().evictions()).isZero();
    }

    @Test
    void concurrentCallersForOneKeyShareOneLoad() throws Exception {
        ArtifactStore store = new ArtifactStore(1000);
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ArtifactStore.Loader slow = () -> {
            loads.incrementAndGet();
            loading.countDown();
            awaitRelease(release);
            return artifact("a", 10);
        };

        CompletableFuture<PulledArtifact> first = supply(() -> store.getOrLoad(key("a"), slow));
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<PulledArtifact> second = supply(() -> store.getOrLoad(key("a"), slow));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.stats().hits() == 1); // the second caller joined
        release.countDown();

        assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(first.get(10, TimeUnit.SECONDS));
        assertThat(loads).hasValue(1);
        assertThat(store.stats().misses()).isEqualTo(1);
    }

    @Test
    void aFailedLoadReachesEveryWaiterAndIsNotKept() throws Exception {
        ArtifactStore store = new ArtifactStore(1000);
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RegistryException unavailable = new RegistryException(RegistryException.Kind.UNAVAILABLE,
                "GET blob of registry.example/app: registry unavailable (HTTP 503)");
        ArtifactStore.Loader failing = () -> {
            loading.countDown();
            awaitRelease(release);
            throw unavailable;
        };

        CompletableFuture<PulledArtifact> first = supply(() -> store.getOrLoad(key("a"), failing));
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<PulledArtifact> second = supply(() -> store.getOrLoad(key("a"), failing));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.stats().hits() == 1);
        release.countDown();

        assertThatThrownBy(() -> first.join()).hasCause(unavailable);
        assertThatThrownBy(() -> second.join()).hasCause(unavailable);
        assertThat(store.get(key("a"))).isEmpty();
        PulledArtifact retried = store.getOrLoad(key("a"), () -> artifact("a", 10));
        assertThat(retried.tree().totalBytes()).isEqualTo(10);
        assertThat(store.get(key("a"))).hasValue(retried);
    }

    @Test
    void aStoreNeedsAPositiveSize() {
        assertThatThrownBy(() -> new ArtifactStore(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an artifact store needs a positive size, got 0");
    }

    /** The loader's side of a latch; a loader may throw only what the store declares. */
    private static void awaitRelease(CountDownLatch release) {
        try {
            assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the release", e);
        }
    }

    private interface Call {
        PulledArtifact run() throws Exception;
    }

    private CompletableFuture<PulledArtifact> supply(Call call) {
        CompletableFuture<PulledArtifact> result = new CompletableFuture<>();
        threads.execute(() -> {
            try {
                result.complete(call.run());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    private static Key key(String name) {
        return new Key(digest(name), LayerSelector.DEFAULT);
    }

    private static Digest digest(String name) {
        return Digest.sha256Of(name.getBytes(StandardCharsets.UTF_8));
    }

    private static PulledArtifact artifact(String name, int size) {
        return new PulledArtifact(digest(name), digest(name + "-layer"), ArtifactTree.of(Map.of(name + ".yaml",
                new byte[size])), Map.of());
    }
}
