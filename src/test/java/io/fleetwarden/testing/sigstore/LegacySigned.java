package io.fleetwarden.testing.sigstore;

import io.fleetwarden.verify.LegacySignature;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One legacy cosign signature layer ({@code sha256-<hex>.sig} manifest): the simple-signing payload (the layer
 * blob) and the layer annotations, plus the material behind them for assertions.
 *
 * @param leaf      the Fulcio leaf; null for key signing
 * @param chain     intermediate then root; empty for key signing
 * @param publicKey the key that made {@code signature}
 * @param entry     the Rekor entry behind the {@code dev.sigstore.cosign/bundle} annotation; null without tlog
 */
public record LegacySigned(byte[] payload, Map<String, String> annotations, byte[] signature, X509Certificate leaf,
        List<X509Certificate> chain, PublicKey publicKey, LogEntry entry) {

    public LegacySigned {
        annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
        chain = List.copyOf(chain);
    }

    public LegacySignature toLegacySignature(String label) {
        return new LegacySignature(label, payload, annotations);
    }

    public String annotation(String name) {
        return annotations.get(name);
    }
}
