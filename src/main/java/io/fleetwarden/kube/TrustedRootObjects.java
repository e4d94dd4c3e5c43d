package io.fleetwarden.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fleetwarden.policy.TrustedRootRef;
import io.fleetwarden.verify.cosign.TrustedRoots;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Reads the document a {@code trustedRootFrom} reference points at out of the ConfigMap or Secret the informer
 * holds, or says exactly why there is none. Pure: no API calls, so every case is unit-tested.
 */
final class TrustedRootObjects {

    /** Base64 of the largest accepted document, plus padding. */
    private static final int MAX_ENCODED = (TrustedRoots.MAX_TRUSTED_ROOT_BYTES + 2) / 3 * 4;

    private TrustedRootObjects() {
    }

    /** What a reference resolves to now. */
    sealed interface Lookup {
    }

    record Found(byte[] json) implements Lookup {
    }

    record Missing(String reason) implements Lookup {
    }

    /**
     * @param object the ConfigMap or Secret named by {@code ref} as the informer has it; null when absent (or
     *               not labelled, which the informer cannot tell apart)
     */
    static Lookup read(TrustedRootRef ref, String namespace, HasMetadata object) {
        String what = ref.object(namespace);
        if (object == null) {
            return new Missing(what + " does not exist or lacks the label " + TrustedRootSources.LABEL);
        }
        if (object instanceof ConfigMap cm) {
            String text = valueOf(cm.getData(), ref.key());
            if (text != null) {
                // A ConfigMap value is UTF-8 text; its length in chars bounds its length in bytes from below.
                return text.length() > TrustedRoots.MAX_TRUSTED_ROOT_BYTES ? tooLarge(what, ref)
                        : new Found(text.getBytes(StandardCharsets.UTF_8));
            }
            String binary = valueOf(cm.getBinaryData(), ref.key());
            return binary != null ? decode(what, ref, binary) : new Missing(what + " has no key " + ref.key());
        }
        if (object instanceof Secret s) {
            // The API returns Secret values base64-encoded in data; stringData is write-only.
            String encoded = valueOf(s.getData(), ref.key());
            return encoded != null ? decode(what, ref, encoded) : new Missing(what + " has no key " + ref.key());
        }
        return new Missing(what + " is a " + object.getKind() + ", not a " + ref.kind().kubernetesKind());
    }

    private static String valueOf(Map<String, String> data, String key) {
        return data == null ? null : data.get(key);
    }

    private static Lookup decode(String what, TrustedRootRef ref, String encoded) {
        if (encoded.length() > MAX_ENCODED) {
            return tooLarge(what, ref);
        }
        try {
            return new Found(Base64.getDecoder().decode(encoded));
        } catch (IllegalArgumentException e) {
            return new Missing(what + " key " + ref.key() + " is not valid base64: " + e.getMessage());
        }
    }

    private static Missing tooLarge(String what, TrustedRootRef ref) {
        return new Missing(what + " key " + ref.key() + " is larger than " + TrustedRoots.MAX_TRUSTED_ROOT_BYTES
                + " bytes");
    }
}
