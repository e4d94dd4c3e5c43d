package io.fleetwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fleetwarden.kube.TrustedRootObjects.Found;
import io.fleetwarden.kube.TrustedRootObjects.Missing;
import io.fleetwarden.policy.TrustedRootRef;
import io.fleetwarden.verify.cosign.TrustedRoots;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a ConfigMap or Secret holds for a reference, or exactly why it holds nothing usable. */
class TrustedRootObjectsTest {

    static final TrustedRootRef CM = new TrustedRootRef(TrustedRootRef.Kind.CONFIG_MAP, "corp-root", "trusted_root.json");
    static final TrustedRootRef SECRET = new TrustedRootRef(TrustedRootRef.Kind.SECRET, "corp-root", "root.json");

    static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aConfigMapValueIsReadAsTextOrAsBinaryData() {
        var text = new ConfigMapBuilder().withNewMetadata().withName("corp-root").endMetadata()
                .withData(Map.of("trusted_root.json", "{\"a\":1}")).build();
        assertThat(TrustedRootObjects.read(CM, "flux-system", text)).isInstanceOfSatisfying(Found.class,
                f -> assertThat(new String(f.json(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}"));
        var binary = new ConfigMapBuilder().withNewMetadata().withName("corp-root").endMetadata()
                .withBinaryData(Map.of("trusted_root.json", base64("{\"b\":2}"))).build();
        assertThat(TrustedRootObjects.read(CM, "flux-system", binary)).isInstanceOfSatisfying(Found.class,
                f -> assertThat(new String(f.json(), StandardCharsets.UTF_8)).isEqualTo("{\"b\":2}"));
    }

    @Test
    void aSecretValueIsDecodedFromData() {
        var secret = new SecretBuilder().withNewMetadata().withName("corp-root").endMetadata()
                .withData(Map.of("root.json", base64("{\"c\":3}"))).build();
        assertThat(TrustedRootObjects.read(SECRET, "flux-system", secret)).isInstanceOfSatisfying(Found.class,
                f -> assertThat(new String(f.json(), StandardCharsets.UTF_8)).isEqualTo("{\"c\":3}"));
    }

    @Test
    void everyWayOfHoldingNothingUsableIsNamed() {
        assertThat(TrustedRootObjects.read(CM, "flux-system", null)).isEqualTo(new Missing(
                "ConfigMap flux-system/corp-root does not exist or lacks the label fleetwarden.io/trusted-root"));
        var other = new ConfigMapBuilder().withNewMetadata().withName("corp-root").endMetadata()
                .withData(Map.of("README", "x")).build();
        assertThat(TrustedRootObjects.read(CM, "flux-system", other))
                .isEqualTo(new Missing("ConfigMap flux-system/corp-root has no key trusted_root.json"));
        var empty = new SecretBuilder().withNewMetadata().withName("corp-root").endMetadata().build();
        assertThat(TrustedRootObjects.read(SECRET, "flux-system", empty))
                .isEqualTo(new Missing("Secret flux-system/corp-root has no key root.json"));
        var garbled = new SecretBuilder().withNewMetadata().withName("corp-root").endMetadata()
                .withData(Map.of("root.json", "!!not base64")).build();
        assertThat(TrustedRootObjects.read(SECRET, "flux-system", garbled)).isInstanceOfSatisfying(Missing.class,
                m -> assertThat(m.reason()).startsWith("Secret flux-system/corp-root key root.json is not valid base64: "));
        var huge = new ConfigMapBuilder().withNewMetadata().withName("corp-root").endMetadata()
                .withData(Map.of("trusted_root.json", "x".repeat(TrustedRoots.MAX_TRUSTED_ROOT_BYTES + 1))).build();
        assertThat(TrustedRootObjects.read(CM, "flux-system", huge)).isEqualTo(new Missing(
                "ConfigMap flux-system/corp-root key trusted_root.json is larger than 1048576 bytes"));
        var hugeSecret = new SecretBuilder().withNewMetadata().withName("corp-root").endMetadata()
                .withData(Map.of("root.json", "A".repeat(2 * TrustedRoots.MAX_TRUSTED_ROOT_BYTES))).build();
        assertThat(TrustedRootObjects.read(SECRET, "flux-system", hugeSecret)).isEqualTo(new Missing(
                "Secret flux-system/corp-root key root.json is larger than 1048576 bytes"));
    }
}
