package io.fleetwarden.oci.cloud;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryProxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The service's cloud identities, one per provider, with their logins kept until shortly before they expire (an ECR
 * login lasts 12 hours, a Google access token one, an ACR refresh token about three): a fleet of sources on one
 * registry asks the provider once, not once per review or reconcile.
 *
 * <p>A login is reused while more than a fifth of its life, and at least {@value #MIN_LEFT_SECONDS} seconds, is
 * left, so that a pull never starts with a token that expires on the way. Concurrent callers for the same registry
 * wait for one request to the provider rather than sending one each. A failure is not kept: the next call asks
 * again (the caller's retry and backoff pace it).
 */
public final class CloudLogins {

    static final long MIN_LEFT_SECONDS = 300;

    private final Map<CloudProvider, Supplier<CloudIdentity>> identities;
    private final Map<CloudProvider, CloudIdentity> built = new EnumMap<>(CloudProvider.class);
    private final Clock clock;
    private final ConcurrentHashMap<Key, Issued> logins = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, Object> locks = new ConcurrentHashMap<>();

    private record Key(CloudProvider provider, String registryInput) {
    }

    private record Issued(CloudLogin login, Instant issuedAt) {
    }

    /** @param identities how to build each provider's identity; built on first use, so an unused SDK never loads */
    public CloudLogins(Map<CloudProvider, Supplier<CloudIdentity>> identities, Clock clock) {
        this.identities = Map.copyOf(identities);
        this.clock = clock;
    }

    /** The identities of the service's environment, as source-controller finds them. */
    public static CloudLogins fromEnvironment() {
        return new CloudLogins(Map.of(
                CloudProvider.AWS, AwsEcrIdentity::fromEnvironment,
                CloudProvider.GCP, GcpIdentity::fromEnvironment,
                CloudProvider.AZURE, AzureAcrIdentity::fromEnvironment), Clock.systemUTC());
    }

    /**
     * A login for {@code registry} from {@code provider}, cached or fresh; empty for public ECR, whose
     * repositories are public: source-controller logs in there only for a higher pull rate, and the token API it
     * uses is not in the SDK modules this build ships, so fleetwarden reads it anonymously (as it reads any public
     * registry: what is verified is the signature, never who was allowed to read).
     *
     * @throws RegistryException {@code UNAUTHORIZED} with Flux's words when the provider serves no such registry, or
     *         as {@link CloudIdentity#login} fails
     */
    public Optional<CloudLogin> loginFor(CloudProvider provider, String registry, RegistryProxy proxies, Deadline deadline)
            throws RegistryException {
        String input;
        try {
            input = provider.registryInput(registry);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, e.getMessage());
        }
        if (provider == CloudProvider.AWS && input.equals(CloudProvider.PUBLIC_ECR)) {
            return Optional.empty();
        }
        Key key = new Key(provider, input);
        Issued cached = logins.get(key);
        if (usable(cached)) {
            return Optional.of(cached.login());
        }
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            cached = logins.get(key);
            if (usable(cached)) {
                return Optional.of(cached.login());
            }
            Instant asked = clock.instant();
            CloudLogin fresh = identity(provider).login(input, registry, proxies, deadline);
            logins.put(key, new Issued(fresh, asked));
            return Optional.of(fresh);
        }
    }

    private boolean usable(Issued issued) {
        if (issued == null) {
            return false;
        }
        Instant now = clock.instant();
        Duration life = Duration.between(issued.issuedAt(), issued.login().expiresAt());
        Duration margin = life.dividedBy(5);
        if (margin.getSeconds() < MIN_LEFT_SECONDS) {
            margin = Duration.ofSeconds(MIN_LEFT_SECONDS);
        }
        return now.plus(margin).isBefore(issued.login().expiresAt());
    }

    private CloudIdentity identity(CloudProvider provider) {
        synchronized (built) {
            return built.computeIfAbsent(provider, p -> identities.get(p).get());
        }
    }
}
