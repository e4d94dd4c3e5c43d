package io.fleetwarden.verify;

import java.util.Map;

/**
 * One layer of a legacy cosign signature manifest: the simple-signing payload (the layer blob) and the
 * layer's annotations ({@code dev.cosignproject.cosign/signature}, {@code dev.sigstore.cosign/certificate},
 * {@code .../chain}, {@code .../bundle}, {@code .../rfc3161timestamp}).
 *
 * @param label which signature this is, for messages: {@code "legacy sha256-<hex>.sig layer 0"}
 */
public record LegacySignature(String label, byte[] payload, Map<String, String> annotations) {

    public static final String SIGNATURE = "dev.cosignproject.cosign/signature";
    public static final String CERTIFICATE = "dev.sigstore.cosign/certificate";
    public static final String CHAIN = "dev.sigstore.cosign/chain";
    public static final String BUNDLE = "dev.sigstore.cosign/bundle";
    public static final String RFC3161_TIMESTAMP = "dev.sigstore.cosign/rfc3161timestamp";
    public static final String MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";

    public LegacySignature {
        annotations = Map.copyOf(annotations);
    }
}
