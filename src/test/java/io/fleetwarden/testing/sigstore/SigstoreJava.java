package io.fleetwarden.testing.sigstore;

import dev.sigstore.KeylessVerifier;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.strings.StringMatcher;
import dev.sigstore.trustroot.SigstoreConfigurationException;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/** Test helper: verify a local bundle with unmodified sigstore-java 2.0.0, the independent judge of formats. */
final class SigstoreJava {

    private SigstoreJava() {
    }

    static SigstoreTrustedRoot trustedRoot(byte[] json) throws SigstoreConfigurationException {
        return SigstoreTrustedRoot.from(new ByteArrayInputStream(json));
    }

    static void verify(byte[] trustedRootJson, byte[] bundleJson, byte[] artifactDigest, Identity identity)
            throws Exception {
        KeylessVerifier verifier = KeylessVerifier.builder()
                .trustedRootProvider(() -> trustedRoot(trustedRootJson)).build();
        Bundle bundle = Bundle.from(new StringReader(new String(bundleJson, StandardCharsets.UTF_8)));
        verifier.verify(artifactDigest, bundle, options(identity));
    }

    static VerificationOptions options(Identity identity) {
        var matcher = VerificationOptions.CertificateMatcher.fulcio()
                .subjectAlternativeName(StringMatcher.string(identity.subjectAlternativeName()))
                .issuer(StringMatcher.string(identity.issuer()));
        identity.extensions().forEach((oid, value) -> matcher.putOidDerAsn1Strings(oid, StringMatcher.string(value)));
        matcher.putOidRawStrings(Identity.ARC + "1", StringMatcher.string(identity.issuer()));
        return VerificationOptions.builder().addCertificateMatchers(matcher.build()).build();
    }
}
