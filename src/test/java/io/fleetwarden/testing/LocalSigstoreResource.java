package io.fleetwarden.testing;

import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The local Sigstore for every {@code @QuarkusTest}: its trusted_root.json is written before Quarkus boots
 * and configured as the trusted root named {@code local}, as an operator would mount a private Sigstore's
 * root. Tests sign with {@link #sigstore()}.
 */
@WithTestResource(value = LocalSigstoreResource.class, scope = TestResourceScope.GLOBAL)
public final class LocalSigstoreResource implements QuarkusTestResourceLifecycleManager {

    private static final LocalSigstore SIGSTORE = LocalSigstore.create();

    public static LocalSigstore sigstore() {
        return SIGSTORE;
    }

    @Override
    public Map<String, String> start() {
        try {
            Path root = Files.createTempFile("fleetwarden-local-root", ".json");
            Files.write(root, SIGSTORE.trustedRootJson());
            root.toFile().deleteOnExit();
            return Map.of("fleetwarden.gate.trusted-roots.local", root.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }
}
