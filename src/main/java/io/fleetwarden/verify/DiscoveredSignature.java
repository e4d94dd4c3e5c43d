package io.fleetwarden.verify;

/**
 * A signature found for an artifact digest, before any cryptography: a Sigstore bundle attached as an
 * OCI referrer (cosign v3) or one layer of a legacy {@code sha256-<hex>.sig} manifest.
 */
public sealed interface DiscoveredSignature {

    String label();

    Evidence source();

    record Bundle(String label, byte[] json) implements DiscoveredSignature {
        @Override
        public Evidence source() {
            return Evidence.BUNDLE_REFERRER;
        }
    }

    record Legacy(LegacySignature signature) implements DiscoveredSignature {
        @Override
        public String label() {
            return signature.label();
        }

        @Override
        public Evidence source() {
            return Evidence.LEGACY_SIGNATURE_TAG;
        }
    }
}
