package io.fleetwarden.gate;

import io.fleetwarden.source.RegistryAccess;
import io.fleetwarden.source.OciSource;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Descriptor;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.Manifest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryException;
import java.time.Duration;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Opt-in ({@code fleetwarden.gate.tag-resolution-ttl}, off by default): what a tag resolved to, and a
 * repository's tag list for semver sources, remembered for a few seconds. By default every review resolves
 * the tag, so a moved tag is noticed at once, and a warm review costs one registry round trip. With a TTL, a
 * warm review within it makes no registry call at all, and a tag moved meanwhile is noticed up to a TTL late
 * by the webhook. That is the whole trade: Flux still verifies what it pulls with the object's
 * {@code spec.verify}, which the webhook holds to the policy, so an unsigned artifact behind a moved tag is
 * refused at pull time either way.
 *
 * <p>Entries are kept per registry client, and clients are per credentials, so a source whose credentials do
 * not reach a repository never gets an answer obtained with credentials that do. Failures are not kept.
 */
public final class RecentTagResolutions implements RegistryAccess {

    /** A resolution ({@code tag} set) or a tag list ({@code tag} null) of one repository, via one client. */
    private record Key(RegistryClient client, String repository, String tag) {
    }

    private final RegistryAccess delegate;
    private final Cache<Key, Object> recent;

    public RecentTagResolutions(RegistryAccess delegate, Duration ttl) {
        this(delegate, ttl, Ticker.systemTicker());
    }

    RecentTagResolutions(RegistryAccess delegate, Duration ttl, Ticker ticker) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a tag resolution TTL must be positive, got " + ttl);
        }
        this.delegate = delegate;
        this.recent = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(ttl).ticker(ticker).build();
    }

    @Override
    public RegistryClient forSource(OciSource source, Deadline deadline) throws RegistryException {
        return new Remembering(delegate.forSource(source, deadline));
    }

    private final class Remembering implements RegistryClient {

        private final RegistryClient client;

        Remembering(RegistryClient client) {
            this.client = client;
        }

        @Override
        public Descriptor resolve(OciReference ref, Deadline deadline) throws RegistryException {
            if (ref.digest() != null) {
                return client.resolve(ref, deadline); // by digest: nothing can move
            }
            Key key = new Key(client, ref.repositoryName(), ref.tag());
            if (recent.getIfPresent(key) instanceof Descriptor known) {
                return known;
            }
            Descriptor resolved = client.resolve(ref, deadline);
            recent.put(key, resolved);
            return resolved;
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<String> tags(OciReference ref, Deadline deadline) throws RegistryException {
            Key key = new Key(client, ref.repositoryName(), null);
            if (recent.getIfPresent(key) instanceof List<?> known) {
                return (List<String>) known;
            }
            List<String> tags = client.tags(ref, deadline);
            recent.put(key, tags);
            return tags;
        }

        @Override
        public Manifest manifest(OciReference ref, Digest digest, Deadline deadline) throws RegistryException {
            return client.manifest(ref, digest, deadline);
        }

        @Override
        public Optional<Manifest> manifestByTag(OciReference ref, String tag, Deadline deadline) throws RegistryException {
            return client.manifestByTag(ref, tag, deadline);
        }

        @Override
        public byte[] blob(OciReference ref, Digest digest, long maxBytes, Deadline deadline) throws RegistryException {
            return client.blob(ref, digest, maxBytes, deadline);
        }

        @Override
        public InputStream openBlob(OciReference ref, Digest digest, long maxBytes, Deadline deadline)
                throws RegistryException {
            return client.openBlob(ref, digest, maxBytes, deadline);
        }

        @Override
        public List<Descriptor> referrers(OciReference ref, Digest subject, String artifactType, Deadline deadline)
                throws RegistryException {
            return client.referrers(ref, subject, artifactType, deadline);
        }
    }
}
