package io.fleetwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.kube.TrustedRootObjects.Found;
import io.fleetwarden.kube.TrustedRootObjects.Lookup;
import io.fleetwarden.kube.TrustedRootObjects.Missing;
import io.fleetwarden.policy.TrustedRootRef;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.verify.cosign.TrustedRoots;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Roots from the cluster follow their objects: loaded, replaced, refused (fail closed) and unloaded. */
class TrustedRootLoaderTest {

    static final TrustedRootRef CORP = new TrustedRootRef(TrustedRootRef.Kind.CONFIG_MAP, "corp-root", "trusted_root.json");
    static final String NAME = "configmap:corp-root/trusted_root.json";

    final TrustedRoots roots = TrustedRoots.empty().add("file-root", LocalSigstore.create().trustedRootJson());
    final TrustedRootLoader loader = new TrustedRootLoader(roots, "flux-system");

    boolean apply(Lookup lookup) {
        return loader.apply(Map.of(CORP, lookup));
    }

    @Test
    void aDocumentIsLoadedOnceAndReplacedWhenItChanges() {
        byte[] first = LocalSigstore.create().trustedRootJson();
        assertThat(apply(new Found(first))).isTrue();
        assertThat(roots.contains(NAME)).isTrue();
        assertThat(apply(new Found(first.clone()))).as("same bytes: nothing changed").isFalse();
        assertThat(apply(new Found(LocalSigstore.create().trustedRootJson()))).isTrue();
        assertThat(roots.contains(NAME)).isTrue();
    }

    @Test
    void anInvalidReplacementUnloadsTheOldRootAndSaysWhy() {
        apply(new Found(LocalSigstore.create().trustedRootJson()));
        assertThat(apply(new Found("{not json".getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(roots.contains(NAME)).as("fail closed: the old root is not kept").isFalse();
        assertThat(roots.unavailable(NAME).orElseThrow()).startsWith("trusted root \"" + NAME + "\" is not loaded: "
                + "ConfigMap flux-system/corp-root key trusted_root.json is not a valid trusted root: it is not valid JSON: ");
        apply(new Found("{\"tlogs\":{}}".getBytes(StandardCharsets.UTF_8)));
        assertThat(roots.unavailable(NAME)).hasValue("trusted root \"" + NAME + "\" is not loaded: ConfigMap "
                + "flux-system/corp-root key trusted_root.json is not a valid trusted root: tlogs must be an array");
    }

    @Test
    void aMissingObjectRefusesTheRootAndAReferenceNoLongerMadeUnloadsIt() {
        apply(new Found(LocalSigstore.create().trustedRootJson()));
        assertThat(apply(new Missing("ConfigMap flux-system/corp-root has no key trusted_root.json"))).isTrue();
        assertThat(roots.unavailable(NAME)).hasValue("trusted root \"" + NAME + "\" is not loaded: ConfigMap "
                + "flux-system/corp-root has no key trusted_root.json");
        assertThat(apply(new Missing("ConfigMap flux-system/corp-root has no key trusted_root.json"))).isFalse();

        apply(new Found(LocalSigstore.create().trustedRootJson()));
        assertThat(loader.apply(Map.of())).isTrue();
        assertThat(roots.names()).containsExactly("file-root");
        assertThat(loader.apply(Map.of())).isFalse();
    }

    @Test
    void theValidatorsMessageIsNotRepeated() {
        assertThat(TrustedRootLoader.detail("n", "trusted root \"n\" must be a JSON object")).isEqualTo("it must be a JSON object");
        assertThat(TrustedRootLoader.detail("n", "trusted root \"n\": tlogs[0].x is missing")).isEqualTo("tlogs[0].x is missing");
        assertThat(TrustedRootLoader.detail("n", "something else")).isEqualTo("something else");
    }
}
