package io.fleetwarden.verify.cosign;

import io.fleetwarden.policy.PublicKeys;
import io.fleetwarden.verify.Check;
import io.fleetwarden.policy.SignerIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;

/**
 * Reads the signer identity out of a Fulcio certificate: the single SAN and the Sigstore OIDC extensions
 * (OID arc 1.3.6.1.4.1.57264.1). Extensions .1.8 and later are DER-encoded strings; .1.1–.1.6 are raw
 * UTF-8 octets (Fulcio v1), read only as a fallback for the issuer.
 */
public final class CertificateClaims {

    static final String ARC = "1.3.6.1.4.1.57264.1.";
    static final String ISSUER_V1 = ARC + "1";
    static final String ISSUER = ARC + "8";
    static final String BUILD_SIGNER_URI = ARC + "9";
    static final String RUNNER_ENVIRONMENT = ARC + "11";
    static final String SOURCE_REPOSITORY_URI = ARC + "12";
    static final String SOURCE_REPOSITORY_DIGEST = ARC + "13";
    static final String SOURCE_REPOSITORY_REF = ARC + "14";
    static final String BUILD_CONFIG_URI = ARC + "18";
    static final String BUILD_TRIGGER = ARC + "20";

    private CertificateClaims() {
    }

    /**
     * @throws IllegalArgumentException when the certificate does not have exactly one URI or email SAN,
     *                                  which Fulcio always issues; anything else is not a Fulcio identity
     */
    public static SignerIdentity identityOf(X509Certificate cert) {
        String issuer = derString(cert, ISSUER);
        if (issuer == null) {
            issuer = rawString(cert, ISSUER_V1);
        }
        return new SignerIdentity(issuer, subjectAlternativeName(cert), derString(cert, SOURCE_REPOSITORY_URI),
                derString(cert, SOURCE_REPOSITORY_REF), derString(cert, SOURCE_REPOSITORY_DIGEST),
                derString(cert, BUILD_SIGNER_URI), derString(cert, BUILD_CONFIG_URI), derString(cert, BUILD_TRIGGER),
                derString(cert, RUNNER_ENVIRONMENT), null);
    }

    /** The signer identity, or null after recording a SUBJECT failure when the certificate carries none usable. */
    static SignerIdentity identityOf(X509Certificate cert, Failures failures) {
        try {
            return identityOf(cert);
        } catch (IllegalArgumentException e) {
            failures.add(Check.SUBJECT, "the certificate carries no usable signer identity: " + e.getMessage());
            return null;
        }
    }

    /** The identity of a key-based signer: {@code sha256:<hex>} of its SubjectPublicKeyInfo. */
    public static String keyId(PublicKey key) {
        return PublicKeys.keyId(key);
    }

    static String subjectAlternativeName(X509Certificate cert) {
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("certificate SAN extension does not parse: " + e.getMessage(), e);
        }
        if (sans == null || sans.size() != 1) {
            throw new IllegalArgumentException("certificate must carry exactly one subject alternative name, found "
                    + (sans == null ? 0 : sans.size()));
        }
        List<?> san = sans.iterator().next();
        int type = (Integer) san.get(0);
        if (type != 1 && type != 6) { // rfc822Name, uniformResourceIdentifier
            throw new IllegalArgumentException("certificate SAN must be an email or URI, found type " + type);
        }
        return (String) san.get(1);
    }

    static String derString(X509Certificate cert, String oid) {
        byte[] inner = extensionValue(cert, oid);
        if (inner == null) {
            return null;
        }
        try {
            ASN1Primitive p = ASN1Primitive.fromByteArray(inner);
            if (p instanceof ASN1String s) {
                return s.getString();
            }
            throw new IllegalArgumentException("extension " + oid + " is not a DER string");
        } catch (IOException e) {
            throw new IllegalArgumentException("extension " + oid + " does not parse: " + e.getMessage(), e);
        }
    }

    static String rawString(X509Certificate cert, String oid) {
        byte[] inner = extensionValue(cert, oid);
        return inner == null ? null : new String(inner, StandardCharsets.UTF_8);
    }

    private static byte[] extensionValue(X509Certificate cert, String oid) {
        byte[] wrapped = cert.getExtensionValue(oid);
        if (wrapped == null) {
            return null;
        }
        return ASN1OctetString.getInstance(wrapped).getOctets();
    }
}
