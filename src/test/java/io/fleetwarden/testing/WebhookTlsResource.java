package io.fleetwarden.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import java.util.Map;

/**
 * Serves the Quarkus under test over HTTPS with a {@link TlsFixture} certificate. GLOBAL scope: every
 * {@code @QuarkusTest} shares it (and so one Quarkus boot), whichever class declares it. Tests reach the
 * fixture through {@link #fixture()} and call the webhook with {@link WebhookClient}.
 */
@WithTestResource(value = WebhookTlsResource.class, scope = TestResourceScope.GLOBAL)
public class WebhookTlsResource implements QuarkusTestResourceLifecycleManager {

    private static volatile TlsFixture fixture;

    public static TlsFixture fixture() {
        if (fixture == null) {
            throw new IllegalStateException("WebhookTlsResource has not started: is this a @QuarkusTest?");
        }
        return fixture;
    }

    @Override
    public Map<String, String> start() {
        fixture = TlsFixture.create();
        return Map.of("fleetwarden.tls.cert-file", fixture.certFile().toString(),
                "fleetwarden.tls.key-file", fixture.keyFile().toString(),
                // Short so the rotation tests see a new certificate quickly; a reload is two small file reads.
                "fleetwarden.tls.reload-period", "100ms",
                "quarkus.http.test-ssl-port", "0");
    }

    @Override
    public void stop() {
        if (fixture != null) {
            fixture.close();
            fixture = null;
        }
    }
}
