package io.fleetwarden.testing.sigstore;

import java.io.ByteArrayOutputStream;
import java.security.KeyPair;
import java.security.PublicKey;
import org.bouncycastle.asn1.DEROctetString;

/**
 * A certificate transparency log that only issues SCTs (RFC 6962 §3.2) for precertificates; nothing is stored.
 * Verifiers find the log by its id, sha256 of the DER SubjectPublicKeyInfo, exactly as in the trusted root.
 */
final class CtLog {

    /** RFC 6962 embedded SCT list extension. */
    static final String SCT_LIST_OID = "1.3.6.1.4.1.11129.2.4.2";

    private final KeyPair key;
    private final byte[] logId;

    CtLog(KeyPair key) {
        this.key = key;
        this.logId = Crypto.keyId(key.getPublic());
    }

    PublicKey publicKey() {
        return key.getPublic();
    }

    byte[] logId() {
        return logId.clone();
    }

    /**
     * One SCT over a precert entry: the TBS of the final certificate without the SCT extension, bound to the
     * issuing CA through sha256 of the issuer's DER public key.
     */
    byte[] precertSct(byte[] precertTbs, byte[] issuerKeyHash, long timestampMillis) {
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        signed.write(0); // version v1
        signed.write(0); // signature_type certificate_timestamp
        writeNumber(signed, timestampMillis, 8);
        writeNumber(signed, 1, 2); // entry_type precert_entry
        signed.writeBytes(issuerKeyHash);
        writeNumber(signed, precertTbs.length, 3);
        signed.writeBytes(precertTbs);
        writeNumber(signed, 0, 2); // no CT extensions
        byte[] signature = Crypto.sign(key.getPrivate(), signed.toByteArray());

        ByteArrayOutputStream sct = new ByteArrayOutputStream();
        sct.write(0); // version v1
        sct.writeBytes(logId);
        writeNumber(sct, timestampMillis, 8);
        writeNumber(sct, 0, 2); // no CT extensions
        sct.write(4); // hash sha256
        sct.write(3); // signature ecdsa
        writeNumber(sct, signature.length, 2);
        sct.writeBytes(signature);
        return sct.toByteArray();
    }

    /**
     * The extension value: an OCTET STRING around the TLS {@code SignedCertificateTimestampList}; the builder
     * wraps it in the extnValue OCTET STRING, so readers unwrap two OCTET STRINGs.
     */
    static DEROctetString sctListExtension(byte[]... scts) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (byte[] sct : scts) {
            writeNumber(list, sct.length, 2);
            list.writeBytes(sct);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeNumber(out, list.size(), 2);
        out.writeBytes(list.toByteArray());
        return new DEROctetString(out.toByteArray());
    }

    private static void writeNumber(ByteArrayOutputStream out, long value, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
    }
}
