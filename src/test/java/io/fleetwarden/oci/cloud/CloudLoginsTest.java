package io.fleetwarden.oci.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryProxy;
import io.fleetwarden.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The cache in front of the providers: one request per registry and login life, renewed before it runs out. */
class CloudLoginsTest {

    private static final String ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));
    private final List<String> asked = Collections.synchronizedList(new ArrayList<>());

    /** An identity whose logins last {@code life}, numbered so a renewed one can be told apart. */
    private CloudIdentity issuing(Duration life) {
        AtomicInteger n = new AtomicInteger();
        return (input, registry, proxies, deadline) -> {
            asked.add(input + " " + registry);
            return new CloudLogin("AWS", "token-" + n.incrementAndGet(), clock.instant().plus(life));
        };
    }

    private CloudLogins logins(CloudProvider provider, Supplier<CloudIdentity> identity) {
        return new CloudLogins(Map.of(provider, identity), clock);
    }

    private static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(10));
    }

    @Test
    void aLoginIsReusedForEveryRegistryOfItsInputUntilShortlyBeforeItExpires() throws Exception {
        CloudLogins logins = logins(CloudProvider.AWS, () -> issuing(Duration.ofHours(12)));
        assertThat(logins.loginFor(CloudProvider.AWS, ECR, RegistryProxy.direct(), deadline()).orElseThrow().password())
                .isEqualTo("token-1");
        // Another account's registry in the same region: one ECR login per region, as Flux caches it.
        assertThat(logins.loginFor(CloudProvider.AWS, "210987654321.dkr.ecr.eu-west-1.amazonaws.com",
                RegistryProxy.direct(), deadline()).orElseThrow().password()).isEqualTo("token-1");
        clock.advance(Duration.ofHours(9).plusMinutes(35));
        assertThat(logins.loginFor(CloudProvider.AWS, ECR, RegistryProxy.direct(), deadline()).orElseThrow().password())
                .as("more than a fifth of its life left").isEqualTo("token-1");
        clock.advance(Duration.ofMinutes(1));
        assertThat(logins.loginFor(CloudProvider.AWS, ECR, RegistryProxy.direct(), deadline()).orElseThrow().password())
                .as("less than a fifth left: renewed").isEqualTo("token-2");
        assertThat(asked).containsExactly("eu-west-1 " + ECR, "eu-west-1 " + ECR);
    }

    @Test
    void aShortLivedLoginIsRenewedFiveMinutesBeforeItExpires() throws Exception {
        CloudLogins logins = logins(CloudProvider.AWS, () -> issuing(Duration.ofMinutes(15)));
        logins.loginFor(CloudProvider.AWS, ECR, RegistryProxy.direct(), deadline());
        clock.advance(Duration.ofMinutes(9));
        assertThat(logins.loginFor(CloudProvider.AWS, ECR, RegistryProxy.direct(), deadline()).orElseThrow().password())
                .isEqualTo("token-1");
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(logins.loginFor(CloudProvider.AWS, ECR, RegistryProxy.direct(), deadline()).orElseThrow().password())
                .isEqualTo("token-2");
    }

    @Test
    void regionsAndProvidersHaveLoginsOfTheirOwn() throws Exception {
        CloudLogins logins = new CloudLogins(Map.of(CloudProvider.AWS, () -> issuing(Duration.ofHours(1)),
                CloudProvider.AZURE, () -> issuing(Duration.ofHours(1))), clock);
        logins.loginFor(CloudProvider.AWS, ECR, RegistryProxy.direct(), deadline());
        logins.loginFor(CloudProvider.AWS, "123456789012.dkr.ecr.us-east-1.amazonaws.com", RegistryProxy.direct(),
                deadline());
        logins.loginFor(CloudProvider.AZURE, "a.azurecr.io", RegistryProxy.direct(), deadline());
        logins.loginFor(CloudProvider.AZURE, "b.azurecr.io", RegistryProxy.direct(), deadline());
        assertThat(asked).containsExactly("eu-west-1 " + ECR, "us-east-1 123456789012.dkr.ecr.us-east-1.amazonaws.com",
                "a.azurecr.io a.azurecr.io", "b.azurecr.io b.azurecr.io");
    }

    @Test
    void aRegistryTheProviderDoesNotServeIsRefusedWithoutAskingIt() {
        AtomicInteger built = new AtomicInteger();
        CloudLogins logins = logins(CloudProvider.GCP, () -> {
            built.incrementAndGet();
            return issuing(Duration.ofHours(1));
        });
        assertThatThrownBy(() -> logins.loginFor(CloudProvider.GCP, "ghcr.io", RegistryProxy.direct(), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).startsWith("invalid GCP registry: 'ghcr.io'. must match ");
                });
        assertThat(built).hasValue(0);
    }

    @Test
    void publicEcrIsReadAnonymously() throws Exception {
        CloudLogins logins = logins(CloudProvider.AWS, () -> issuing(Duration.ofHours(1)));
        assertThat(logins.loginFor(CloudProvider.AWS, "public.ecr.aws", RegistryProxy.direct(), deadline())).isEmpty();
        assertThat(asked).isEmpty();
    }

    @Test
    void aFailureIsNotKeptTheNextCallAsksAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CloudLogins logins = logins(CloudProvider.AWS, () -> (input, registry, proxies, deadline) -> {
            if (calls.incrementAndGet() == 1) {
                throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "ECR GetAuthorizationToken: HTTP 503");
            }
            return new CloudLogin("AWS", "after-outage", clock.instant().plus(Duration.ofHours(12)));
        });
        assertThatThrownBy(() -> logins.loginFor(CloudProvider.AWS, ECR, RegistryProxy.direct(), deadline()))
                .hasMessage("ECR GetAuthorizationToken: HTTP 503");
        assertThat(logins.loginFor(CloudProvider.AWS, ECR, RegistryProxy.direct(), deadline()).orElseThrow().password())
                .isEqualTo("after-outage");
    }

    /** A fleet's sources reconcile at once after a restart: they wait for one request, not send one each. */
    @Test
    void concurrentCallersForOneRegistryShareOneRequest() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        CloudLogins logins = logins(CloudProvider.AWS, () -> (input, registry, proxies, deadline) -> {
            calls.incrementAndGet();
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new CloudLogin("AWS", "shared", clock.instant().plus(Duration.ofHours(12)));
        });
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            results.add(pool.submit(() -> logins.loginFor(CloudProvider.AWS, ECR, RegistryProxy.direct(), deadline())
                    .orElseThrow().password()));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 3; i++) {
                results.add(pool.submit(() -> logins.loginFor(CloudProvider.AWS, ECR, RegistryProxy.direct(), deadline())
                        .orElseThrow().password()));
            }
            release.countDown();
            for (Future<String> r : results) {
                assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("shared");
            }
            assertThat(calls).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLoginNeverShowsItsPassword() {
        CloudLogin login = new CloudLogin("oauth2accesstoken", "ya29.secret-token", Instant.parse("2026-12-04T13:00:00Z"));
        assertThat(login.toString()).doesNotContain("ya29").contains("oauth2accesstoken");
        assertThat(login.login().toString()).doesNotContain("ya29");
    }
}
