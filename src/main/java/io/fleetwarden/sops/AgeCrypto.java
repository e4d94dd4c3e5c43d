package io.fleetwarden.sops;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/** The primitives of the age format: HKDF-SHA-256, HMAC-SHA-256 and ChaCha20-Poly1305 (BouncyCastle's). */
final class AgeCrypto {

    private AgeCrypto() {
    }

    static byte[] hkdf(byte[] ikm, byte[] salt, String info, int length) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, salt, info.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }

    static byte[] hmac(byte[] key, byte[] message) {
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(key));
        mac.update(message, 0, message.length);
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        return out;
    }

    /** The plaintext, or null when the tag does not verify (the wrong key, or altered bytes). */
    static byte[] open(byte[] key, byte[] nonce, byte[] sealed) {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(false, new AEADParameters(new KeyParameter(key), 128, nonce));
        byte[] out = new byte[aead.getOutputSize(sealed.length)];
        int n = aead.processBytes(sealed, 0, sealed.length, out, 0);
        try {
            aead.doFinal(out, n);
        } catch (InvalidCipherTextException | IllegalStateException e) {
            return null;
        }
        return out;
    }
}
