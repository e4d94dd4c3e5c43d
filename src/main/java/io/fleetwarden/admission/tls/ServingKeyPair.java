package io.fleetwarden.admission.tls;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A serving certificate chain and its private key, parsed from PEM (Vert.x's parser: PKCS#8, PKCS#1 RSA
 * and SEC1 EC keys, as cert-manager writes them) and checked to belong together. The check matters because
 * the two files are read one after the other: a reload that read them across a Secret update would
 * otherwise install a certificate with somebody else's key and fail every handshake until the next reload.
 */
public record ServingKeyPair(X509ExtendedKeyManager keyManager, X509Certificate leaf) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static ServingKeyPair parse(Vertx vertx, byte[] certificatePem, byte[] keyPem) throws InvalidKeyPairException {
        KeyManagerFactory factory;
        try {
            factory = new PemKeyCertOptions().setCertValue(Buffer.buffer(certificatePem))
                    .setKeyValue(Buffer.buffer(keyPem)).getKeyManagerFactory(vertx);
        } catch (Exception e) {
            throw new InvalidKeyPairException("cannot read the PEM certificate and key: " + e.getMessage(), e);
        }
        for (KeyManager manager : factory.getKeyManagers()) {
            if (manager instanceof X509ExtendedKeyManager extended) {
                return check(extended);
            }
        }
        throw new InvalidKeyPairException("the JDK offers no X509ExtendedKeyManager", null);
    }

    private static ServingKeyPair check(X509ExtendedKeyManager manager) throws InvalidKeyPairException {
        for (String keyType : new String[] { "EC", "RSA", "EdDSA", "Ed25519" }) {
            String alias = manager.chooseEngineServerAlias(keyType, null, null);
            if (alias == null) {
                continue;
            }
            X509Certificate[] chain = manager.getCertificateChain(alias);
            PrivateKey key = manager.getPrivateKey(alias);
            if (chain == null || chain.length == 0 || key == null) {
                throw new InvalidKeyPairException("the PEM files hold no certificate chain with a key", null);
            }
            try {
                requireMatching(chain[0], key);
            } catch (GeneralSecurityException e) {
                throw new InvalidKeyPairException("cannot check the key against the certificate: " + e.getMessage(), e);
            }
            return new ServingKeyPair(manager, chain[0]);
        }
        throw new InvalidKeyPairException("the PEM files hold no EC, RSA or EdDSA server key", null);
    }

    /** Proof of possession: the key signs, the certificate's public key verifies. */
    private static void requireMatching(X509Certificate leaf, PrivateKey key)
            throws GeneralSecurityException, InvalidKeyPairException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new InvalidKeyPairException("unsupported key algorithm " + key.getAlgorithm(), null);
        };
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(challenge);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(leaf.getPublicKey());
        verifier.update(challenge);
        if (!verifier.verify(signature)) {
            throw new InvalidKeyPairException("the private key does not belong to the certificate "
                    + leaf.getSubjectX500Principal().getName(), null);
        }
    }

    public static final class InvalidKeyPairException extends Exception {

        public InvalidKeyPairException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
