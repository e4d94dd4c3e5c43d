package io.fleetwarden.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Descriptor;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.Manifest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentTagResolutionsTest {

    private static final OciReference LATEST = OciReference.parse("registry.example/acme/app:latest");
    private static final Deadline DEADLINE = Deadline.after(Duration.ofSeconds(5));

    private final AtomicLong now = new AtomicLong();

    @Test
    void aTagIsResolvedOnceWithinTheTtlAndAgainAfterIt() throws Exception {
        Registry registry = new Registry();
        RecentTagResolutions access = new RecentTagResolutions((s, d) -> registry, Duration.ofSeconds(2), now::get);

        Digest first = access.forSource(null, DEADLINE).resolve(LATEST, DEADLINE).digest();
        registry.moveTag();
        Digest withinTtl = access.forSource(null, DEADLINE).resolve(LATEST, DEADLINE).digest();
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        Digest afterTtl = access.forSource(null, DEADLINE).resolve(LATEST, DEADLINE).digest();

        assertThat(withinTtl).isEqualTo(first);
        assertThat(afterTtl).isNotEqualTo(first).isEqualTo(registry.current);
        assertThat(registry.calls).containsExactly("resolve latest", "resolve latest");
    }

    @Test
    void digestsAlwaysGoToTheRegistryAndTagListsAreKeptLikeResolutions() throws Exception {
        Registry registry = new Registry();
        RecentTagResolutions access = new RecentTagResolutions((s, d) -> registry, Duration.ofSeconds(2), now::get);
        RegistryClient client = access.forSource(null, DEADLINE);

        client.resolve(LATEST.withDigest(registry.current), DEADLINE);
        client.resolve(LATEST.withDigest(registry.current), DEADLINE);
        client.tags(LATEST, DEADLINE);
        client.tags(LATEST, DEADLINE);

        assertThat(registry.calls).containsExactly("resolve " + registry.current, "resolve " + registry.current, "tags");
    }

    @Test
    void answersObtainedWithOneClientAreNotGivenToAnother() throws Exception {
        // Clients are per credentials: a source that cannot reach a repository must not see what another could.
        Registry withLogin = new Registry();
        Registry anonymous = new Registry();
        AtomicInteger sources = new AtomicInteger();
        RecentTagResolutions access = new RecentTagResolutions(
                (s, d) -> sources.getAndIncrement() == 0 ? withLogin : anonymous, Duration.ofSeconds(2), now::get);

        access.forSource(null, DEADLINE).resolve(LATEST, DEADLINE);
        anonymous.denied = true;

        assertThatThrownBy(() -> access.forSource(null, DEADLINE).resolve(LATEST, DEADLINE))
                .isInstanceOf(RegistryException.class).hasMessage("resolve: access denied");
    }

    @Test
    void failuresAreNotKept() throws Exception {
        Registry registry = new Registry();
        registry.denied = true;
        RecentTagResolutions access = new RecentTagResolutions((s, d) -> registry, Duration.ofSeconds(2), now::get);

        assertThatThrownBy(() -> access.forSource(null, DEADLINE).resolve(LATEST, DEADLINE)).isInstanceOf(RegistryException.class);
        registry.denied = false;

        assertThat(access.forSource(null, DEADLINE).resolve(LATEST, DEADLINE).digest()).isEqualTo(registry.current);
    }

    @Test
    void aTtlMustBePositive() {
        assertThatThrownBy(() -> new RecentTagResolutions((s, d) -> null, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a tag resolution TTL must be positive, got PT0S");
    }

    /** One repository whose tag {@code latest} can be moved; records the calls it gets. */
    private static final class Registry implements RegistryClient {
        final List<String> calls = new ArrayList<>();
        Digest current = digest("one");
        boolean denied;

        void moveTag() {
            current = digest("two");
        }

        static Digest digest(String content) {
            return Digest.sha256Of(content.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public Descriptor resolve(OciReference ref, Deadline deadline) throws RegistryException {
            if (denied) {
                throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "resolve: access denied");
            }
            calls.add("resolve " + (ref.digest() != null ? ref.digest() : ref.tag()));
            return Descriptor.of("application/vnd.oci.image.manifest.v1+json", ref.digest() != null ? ref.digest() : current, 10);
        }

        @Override
        public List<String> tags(OciReference ref, Deadline deadline) {
            calls.add("tags");
            return List.of("latest");
        }

        @Override
        public Manifest manifest(OciReference ref, Digest digest, Deadline deadline) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Manifest> manifestByTag(OciReference ref, String tag, Deadline deadline) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] blob(OciReference ref, Digest digest, long maxBytes, Deadline deadline) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream openBlob(OciReference ref, Digest digest, long maxBytes, Deadline deadline)
                throws RegistryException {
            return new ByteArrayInputStream(blob(ref, digest, maxBytes, deadline)); // a fake: the whole blob is fine here
        }

        @Override
        public List<Descriptor> referrers(OciReference ref, Digest subject, String artifactType, Deadline deadline) {
            throw new UnsupportedOperationException();
        }
    }
}
