package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.testing.RegistryPki;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The PEM a certSecretRef may hold, read as Go's crypto/tls reads it for source-controller. */
class TlsPemTest {

    private static final RegistryPki CA = RegistryPki.create("acme registry CA");
    private static final RegistryPki OTHER = RegistryPki.create("acme other CA");

    @Test
    void aCaBundleKeepsEveryCertificateAndSkipsWhatIsNotOne() {
        String bundle = "# our roots\n" + CA.certificatePem() + "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"
                + "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
                + OTHER.certificatePem();
        assertThat(TlsPem.caCertificates(bytes(bundle), "ca.crt of cert secret a/b"))
                .containsExactly(CA.certificate(), OTHER.certificate());
    }

    @Test
    void aCaValueWithoutAnyCertificateIsAnErrorNamingIt() {
        assertThatThrownBy(() -> TlsPem.caCertificates(bytes("just text"), "ca.crt of cert secret a/b"))
                .hasMessage("ca.crt of cert secret a/b holds no PEM certificate that can be parsed");
    }

    @Test
    void everyKeyFormThatGoReadsIsReadWhateverItsLabel() {
        RegistryPki.Issued ec = CA.client("ec", "EC");
        RegistryPki.Issued rsa = CA.client("rsa", "RSA");
        assertThat(ec.traditionalKeyPem()).contains("BEGIN EC PRIVATE KEY");
        assertThat(rsa.traditionalKeyPem()).contains("BEGIN RSA PRIVATE KEY");
        for (RegistryPki.Issued issued : new RegistryPki.Issued[] { ec, rsa }) {
            for (String key : new String[] { issued.pkcs8KeyPem(), issued.traditionalKeyPem(),
                    issued.traditionalKeyPem().replaceAll("(EC|RSA) PRIVATE KEY", "PRIVATE KEY") }) {
                RegistryTls.ClientIdentity identity = TlsPem.clientIdentity(bytes(issued.certificatePem()), "tls.crt",
                        bytes(key), "tls.key");
                assertThat(identity.chain()).containsExactly(issued.certificate());
                assertThat(secret(identity.key())).isEqualTo(secret(issued.key()));
            }
        }
    }

    @Test
    void anEd25519KeyIsReadAsGoReadsIt() {
        RegistryPki.Issued ed = CA.client("ed", "Ed25519");
        RegistryTls.ClientIdentity identity = TlsPem.clientIdentity(bytes(ed.certificatePem()), "tls.crt",
                bytes(ed.pkcs8KeyPem()), "tls.key");
        assertThat(identity.key().getAlgorithm()).startsWith("Ed");
        RegistryPki.Issued other = CA.client("other", "Ed25519");
        assertThatThrownBy(() -> TlsPem.clientIdentity(bytes(ed.certificatePem()), "tls.crt", bytes(other.pkcs8KeyPem()),
                "tls.key")).hasMessageContaining("is not the private key of the first certificate");
    }

    @Test
    void theChainKeepsItsOrderAndTheKeyMayFollowOtherBlocks() {
        RegistryPki.Issued leaf = CA.client("leaf", "EC");
        RegistryTls.ClientIdentity identity = TlsPem.clientIdentity(bytes(leaf.certificatePem() + CA.certificatePem()),
                "tls.crt", bytes(CA.certificatePem() + leaf.pkcs8KeyPem()), "tls.key");
        assertThat(identity.chain()).containsExactly(leaf.certificate(), CA.certificate());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        RegistryPki.Issued one = CA.client("one", "EC");
        RegistryPki.Issued two = CA.client("two", "EC");
        assertThatThrownBy(() -> TlsPem.clientIdentity(bytes(one.certificatePem()), "tls.crt of cert secret a/b",
                bytes(two.pkcs8KeyPem()), "tls.key of cert secret a/b"))
                .hasMessage("tls.key of cert secret a/b is not the private key of the first certificate in tls.crt of "
                        + "cert secret a/b");
        RegistryPki.Issued rsa = CA.client("rsa", "RSA");
        assertThatThrownBy(() -> TlsPem.clientIdentity(bytes(one.certificatePem()), "tls.crt", bytes(rsa.pkcs8KeyPem()),
                "tls.key")).hasMessageContaining("is not the private key of the first certificate");
    }

    @Test
    void brokenKeysAreNamedAndNeverQuoted() {
        RegistryPki.Issued issued = CA.client("c", "EC");
        String pkcs8 = issued.pkcs8KeyPem();
        String body = pkcs8.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
        String truncated = "-----BEGIN PRIVATE KEY-----\n" + body.substring(0, 40) + "\n-----END PRIVATE KEY-----\n";
        String encrypted = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n"
                + body + "\n-----END RSA PRIVATE KEY-----\n";
        String badBase64 = "-----BEGIN PRIVATE KEY-----\n" + body.substring(0, 20) + "!!!\n-----END PRIVATE KEY-----\n";
        assertThatThrownBy(() -> TlsPem.clientIdentity(bytes(issued.certificatePem()), "tls.crt", bytes(truncated),
                "tls.key")).hasMessage("tls.key is not a PKCS#1, PKCS#8 or SEC 1 private key");
        assertThatThrownBy(() -> TlsPem.clientIdentity(bytes(issued.certificatePem()), "tls.crt", bytes(encrypted),
                "tls.key")).hasMessage("tls.key holds an encrypted private key, which cannot be used");
        assertThatThrownBy(() -> TlsPem.clientIdentity(bytes(issued.certificatePem()), "tls.crt", bytes(badBase64),
                "tls.key")).hasMessage("tls.key is not valid PEM");
        assertThatThrownBy(() -> TlsPem.clientIdentity(bytes(issued.certificatePem()), "tls.crt",
                bytes(issued.certificatePem()), "tls.key")).hasMessage("tls.key holds no PEM private key");
        assertThatThrownBy(() -> TlsPem.clientIdentity(bytes("no pem here"), "tls.crt", bytes(pkcs8), "tls.key"))
                .hasMessage("tls.crt holds no PEM certificate");
    }

    @Test
    void aValueBeyondWhatASecretCanHoldIsRefusedBeforeParsing() {
        byte[] huge = new byte[TlsPem.MAX_BYTES + 1];
        assertThatThrownBy(() -> TlsPem.caCertificates(huge, "ca.crt"))
                .hasMessage("ca.crt is larger than " + TlsPem.MAX_BYTES + " bytes");
    }

    @Test
    void moreBlocksThanAnyBundleHoldsAreRefused() {
        String block = "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n";
        assertThat(TlsPem.caCertificates(bytes(block.repeat(TlsPem.MAX_CERTIFICATES - 1) + CA.certificatePem()),
                "ca.crt")).containsExactly(CA.certificate());
        assertThatThrownBy(() -> TlsPem.caCertificates(bytes(block.repeat(TlsPem.MAX_CERTIFICATES) + CA.certificatePem()),
                "ca.crt")).hasMessage("ca.crt holds more than " + TlsPem.MAX_CERTIFICATES + " PEM blocks");
    }

    @Test
    void theIdentityNeverPrintsItsKey() {
        RegistryPki.Issued issued = CA.client("printed", "EC");
        RegistryTls.ClientIdentity identity = new RegistryTls.ClientIdentity(issued.key(), java.util.List.of(issued.certificate()));
        String key = Base64.getEncoder().encodeToString(issued.key().getEncoded());
        assertThat(identity.toString()).contains("CN=printed").doesNotContain(key.substring(0, 16));
        assertThat(RegistryTls.of(java.util.List.of(), identity).toString()).doesNotContain(key.substring(0, 16));
    }

    /** The key's secret number: encodings of one key differ (a SEC 1 key may carry its curve twice). */
    private static java.math.BigInteger secret(java.security.PrivateKey key) {
        return key instanceof java.security.interfaces.ECPrivateKey ec ? ec.getS()
                : ((java.security.interfaces.RSAPrivateKey) key).getPrivateExponent();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
