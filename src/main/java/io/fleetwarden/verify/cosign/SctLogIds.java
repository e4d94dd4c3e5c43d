package io.fleetwarden.verify.cosign;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;

/**
 * The CT log ids of the SCTs embedded in a certificate (RFC 6962 §3.3: extension 1.3.6.1.4.1.11129.2.4.2, a
 * TLS-encoded list of SCTs, each starting with a version byte and the 32-byte log id). Only the ids are read
 * here; the SCT signatures are verified by sigstore-java. Ids are returned as {@link Arrays#toString(byte[])}
 * strings so they can be compared in a set.
 */
final class SctLogIds {

    private static final String SCT_LIST_OID = "1.3.6.1.4.1.11129.2.4.2";

    private SctLogIds() {
    }

    static Set<String> of(X509Certificate cert) {
        Set<String> ids = new HashSet<>();
        byte[] ext = cert.getExtensionValue(SCT_LIST_OID);
        if (ext == null) {
            return ids;
        }
        try {
            byte[] tls = ASN1OctetString.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getOctets();
            int listLength = u16(tls, 0);
            int pos = 2;
            int end = Math.min(tls.length, 2 + listLength);
            while (pos + 2 <= end) {
                int sctLength = u16(tls, pos);
                pos += 2;
                if (sctLength >= 33 && pos + sctLength <= end) {
                    ids.add(Arrays.toString(Arrays.copyOfRange(tls, pos + 1, pos + 33)));
                }
                pos += sctLength;
            }
        } catch (RuntimeException e) {
            // Malformed SCT list: no ids; sigstore-java's SCT verification rejects such a certificate.
        }
        return ids;
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }
}
