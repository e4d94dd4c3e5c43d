package io.fleetwarden.gate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.verify.VerificationResult;
import java.time.Duration;

/**
 * Verdicts per (digest, tag, policy, policy generation), bounded in size. A digest names immutable
 * content, so a verdict for it stays true until the policies change (the generation is in the key) or the
 * trusted time passes; a moved tag is noticed because the tag is resolved on every review before the
 * cache is asked. Definitive failures are kept briefly, so a fixed signature (pushed after the denial) is
 * seen soon; infrastructure failures are never cached.
 */
public final class DecisionCache {

    public record Key(Digest digest, String tag, String policy, long generation) {
    }

    private final Cache<Key, VerificationResult> cache;

    public DecisionCache(long maxEntries, Duration verifiedFor, Duration deniedFor) {
        this.cache = Caffeine.newBuilder().maximumSize(maxEntries)
                .expireAfter(Expiry.<Key, VerificationResult>creating(
                        (k, v) -> v instanceof VerificationResult.Verified ? verifiedFor : deniedFor))
                .build();
    }

    public static DecisionCache defaults() {
        return new DecisionCache(10_000, Duration.ofMinutes(10), Duration.ofSeconds(30));
    }

    public VerificationResult get(Key key) {
        return cache.getIfPresent(key);
    }

    public void put(Key key, VerificationResult result) {
        if (!(result instanceof VerificationResult.Unavailable)) {
            cache.put(key, result);
        }
    }
}
