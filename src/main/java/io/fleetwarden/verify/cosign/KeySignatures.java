package io.fleetwarden.verify.cosign;

import dev.sigstore.encryption.signers.Verifiers;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.math.ec.ECPoint;

/** Signature checks with a known key; a signature that cannot even be processed is simply not valid. */
final class KeySignatures {

    /**
     * ECDSA P-256 (every Fulcio certificate, cosign's default key) is checked with BouncyCastle's fixed-curve
     * arithmetic rather than the JDK's SunEC: the same strictly decoded DER signatures, in about a third of the
     * time on JDK 17 (SunEC's P-256 verify was 60 % of the CPU of verifying a bundle: 2.5 ms a bundle before,
     * 1.3 ms after). sigstore-java checks chains, SCTs and log entries with BouncyCastle already. The lightweight
     * API, not the JCA provider, so that a native image needs no provider registration.
     */
    private static final ECParameterSpec P256 = p256();
    private static final X9ECParameters P256_FAST = CustomNamedCurves.getByName("secp256r1");
    private static final ECDomainParameters P256_DOMAIN = new ECDomainParameters(P256_FAST.getCurve(),
            P256_FAST.getG(), P256_FAST.getN(), P256_FAST.getH());

    private static final ECParameterSpec P384 = spec("secp384r1");
    private static final X9ECParameters P384_FAST = CustomNamedCurves.getByName("secp384r1");
    private static final ECDomainParameters P384_DOMAIN = new ECDomainParameters(P384_FAST.getCurve(),
            P384_FAST.getG(), P384_FAST.getN(), P384_FAST.getH());
    private static final String ECDSA_SHA256 = "1.2.840.10045.4.3.2";
    private static final String ECDSA_SHA384 = "1.2.840.10045.4.3.3";
    /**
     * Verified certificate links, (certificate DER, signing key DER), independent of any trusted root (a signature
     * either verifies or not).
     */
    private static final VerifiedChains LINKS = new VerifiedChains();

    private KeySignatures() {
    }

    /** Verifies {@code signature} over {@code content} (hashed with the key's algorithm, SHA-256 for P-256). */
    static boolean verifies(PublicKey key, byte[] content, byte[] signature) {
        try {
            if (key instanceof ECPublicKey ec && sameCurve(ec, P256)) {
                return verifiesFixed(ec, P256_FAST, P256_DOMAIN, "SHA-256", content, signature);
            }
            return Verifiers.newVerifier(key).verify(content, signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether {@code issuer}'s key signed {@code cert}. Fulcio's CA keys are P-384 (ECDSA with SHA-384), which
     * SunEC on JDK 17 verifies in about 2.5 ms; BouncyCastle's fixed-curve code does it in a fraction of that.
     */
    static boolean signedBy(X509Certificate cert, X509Certificate issuer) {
        return signedWith(cert, issuer.getPublicKey());
    }

    /**
     * Whether {@code key} signed {@code cert}. Successes are remembered per exact (certificate, key) DER pair in a
     * bounded LRU: the answer depends on nothing else, and the same certificate is asked about again (by the
     * Fulcio chain's PKIX check through {@link FixedCurveCertificate}, then by the authority check).
     */
    static boolean signedWith(X509Certificate cert, PublicKey key) {
        byte[] certDer;
        byte[] keyDer = key.getEncoded();
        try {
            certDer = cert.getEncoded();
        } catch (GeneralSecurityException e) {
            return false;
        }
        if (keyDer != null && LINKS.contains(certDer, keyDer)) {
            return true;
        }
        boolean ok;
        try {
            if (ECDSA_SHA384.equals(cert.getSigAlgOID()) && key instanceof ECPublicKey ec && sameCurve(ec, P384)) {
                ok = verifiesFixed(ec, P384_FAST, P384_DOMAIN, "SHA-384", cert.getTBSCertificate(), cert.getSignature());
            } else if (ECDSA_SHA256.equals(cert.getSigAlgOID()) && key instanceof ECPublicKey ec && sameCurve(ec, P256)) {
                ok = verifiesFixed(ec, P256_FAST, P256_DOMAIN, "SHA-256", cert.getTBSCertificate(), cert.getSignature());
            } else {
                cert.verify(key);
                ok = true;
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            ok = false;
        }
        if (ok && keyDer != null) {
            LINKS.add(certDer, keyDer);
        }
        return ok;
    }

    /** Whether {@code signedWith} checks this certificate's signature with fixed-curve code (not the JDK's). */
    static boolean fixedCurve(X509Certificate cert, PublicKey key) {
        return key instanceof ECPublicKey ec && (ECDSA_SHA384.equals(cert.getSigAlgOID()) && sameCurve(ec, P384)
                || ECDSA_SHA256.equals(cert.getSigAlgOID()) && sameCurve(ec, P256));
    }

    /** Verifies {@code signature} over an already computed digest (Sigstore message signatures). */
    static boolean verifiesDigest(PublicKey key, byte[] digest, byte[] signature) {
        try {
            return Verifiers.newVerifier(key).verifyDigest(digest, signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static boolean sameCurve(ECPublicKey key, ECParameterSpec curve) {
        return curve.getCurve().equals(key.getParams().getCurve()) && curve.getGenerator().equals(key.getParams()
                .getGenerator());
    }

    /** ECDSA on a fixed curve; the point is validated, and a DER encoding that is not canonical is refused. */
    private static boolean verifiesFixed(ECPublicKey key, X9ECParameters fast, ECDomainParameters domain, String digest,
            byte[] content, byte[] der) throws GeneralSecurityException {
        ECPoint q = fast.getCurve().validatePoint(key.getW().getAffineX(), key.getW().getAffineY());
        BigInteger[] rs;
        try {
            rs = StandardDSAEncoding.INSTANCE.decode(domain.getN(), der);
        } catch (IOException e) {
            return false;
        }
        ECDSASigner signer = new ECDSASigner();
        signer.init(false, new ECPublicKeyParameters(q, domain));
        return signer.verifySignature(MessageDigest.getInstance(digest).digest(content), rs[0], rs[1]);
    }

    private static ECParameterSpec p256() {
        return spec("secp256r1");
    }

    private static ECParameterSpec spec(String name) {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(name));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has P-256 and P-384", e);
        }
    }
}
