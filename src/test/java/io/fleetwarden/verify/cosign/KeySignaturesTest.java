package io.fleetwarden.verify.cosign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** P-256 goes through BouncyCastle, other keys through sigstore-java; both must accept exactly the valid signatures. */
class KeySignaturesTest {

    private static final byte[] CONTENT = "DSSEv1 28 application/vnd.in-toto+json 2 {}".getBytes(StandardCharsets.UTF_8);

    @Test
    void p256AcceptsItsSignatureOnlyOverTheSameContentAndOnlyStrictDer() throws Exception {
        KeyPair key = ec("secp256r1");
        byte[] signature = sign(key, "SHA256withECDSA", CONTENT);

        assertThat(KeySignatures.verifies(key.getPublic(), CONTENT, signature)).isTrue();
        assertThat(KeySignatures.verifies(key.getPublic(), "other".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
        assertThat(KeySignatures.verifies(ec("secp256r1").getPublic(), CONTENT, signature)).isFalse();
        // Trailing bytes after the DER sequence: a malleated encoding of the same signature.
        assertThat(KeySignatures.verifies(key.getPublic(), CONTENT, Arrays.copyOf(signature, signature.length + 1))).isFalse();
        assertThat(KeySignatures.verifies(key.getPublic(), CONTENT, new byte[] { 0x30, 0x00 })).isFalse();
    }

    @Test
    void otherCurvesStillVerify() throws Exception {
        KeyPair key = ec("secp384r1");
        byte[] signature = sign(key, "SHA256withECDSA", CONTENT);

        assertThat(KeySignatures.verifies(key.getPublic(), CONTENT, signature)).isTrue();
        assertThat(KeySignatures.verifies(key.getPublic(), "other".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
    }

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    private static byte[] sign(KeyPair key, String algorithm, byte[] content) throws Exception {
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key.getPrivate());
        signer.update(content);
        return signer.sign();
    }

    @Test
    void p384CertificateLinksAreCheckedWithTheFixedCurveAndOnlySuccessesAreRemembered() throws Exception {
        var local = io.fleetwarden.testing.sigstore.LocalSigstore.create();
        var root = local.rootCertificate();
        var intermediate = local.intermediateCertificate();
        assertThat(intermediate.getSigAlgName()).isEqualTo("SHA384withECDSA");

        assertThat(KeySignatures.signedBy(intermediate, root)).isTrue();
        assertThat(KeySignatures.signedBy(intermediate, root)).isTrue();
        // The root did not sign itself with the intermediate's key, asked twice: a refusal is never cached as
        // a success, and a remembered success for (intermediate, root) says nothing about (root, intermediate).
        assertThat(KeySignatures.signedBy(root, intermediate)).isFalse();
        assertThat(KeySignatures.signedBy(root, intermediate)).isFalse();
        var other = io.fleetwarden.testing.sigstore.LocalSigstore.create().rootCertificate();
        assertThat(KeySignatures.signedBy(intermediate, other)).isFalse();
    }
}
