package io.fleetwarden.kube.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Round trips of what this package writes, and clear refusals of what it does not. */
class PemTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void certificatesAndKeysRoundTrip() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate("test CA", NOW, Duration.ofDays(10));
        CertificateAuthority.Issued serving = ca.issueServing(List.of("a.example"), List.of(), NOW, Duration.ofDays(30));

        assertThat(Pem.parseCertificates(Pem.certificates(List.of(ca.certificate(), serving.certificate())), "x"))
                .containsExactly(ca.certificate(), serving.certificate());
        assertThat(Pem.parseEcPrivateKey(Pem.privateKey(serving.key()), "x")).isEqualTo(serving.key());
        // Never valid beyond its CA, and valid a little before "now" for API servers whose clock lags.
        assertThat(serving.certificate().getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
        assertThat(serving.certificate().getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(5)));
        assertThat(CertificateChecks.keyMatches(serving.certificate(), serving.key())).isTrue();
        assertThat(CertificateChecks.keyMatches(serving.certificate(), ca.key())).isFalse();
    }

    @Test
    void badInputIsRefusedWithWhatAndWhere() {
        assertThatThrownBy(() -> Pem.parseCertificates(new byte[0], "Secret s tls.crt"))
                .hasMessage("Secret s tls.crt is missing");
        assertThatThrownBy(() -> Pem.parseCertificates("hello".getBytes(StandardCharsets.US_ASCII), "Secret s tls.crt"))
                .hasMessageStartingWith("Secret s tls.crt is not a PEM certificate");
        assertThatThrownBy(() -> Pem.parseEcPrivateKey("-----BEGIN EC PRIVATE KEY-----\nAA\n-----END EC PRIVATE KEY-----"
                .getBytes(StandardCharsets.US_ASCII), "Secret s tls.key"))
                .hasMessage("Secret s tls.key is not a PEM PKCS#8 private key (BEGIN PRIVATE KEY)");
        assertThatThrownBy(() -> Pem.parseCertificates(new byte[Pem.MAX_BYTES + 1], "Secret s ca.crt"))
                .hasMessage("Secret s ca.crt is larger than 65536 bytes");
    }

    @Test
    void renewalIsDueWithAThirdOfTheLifeLeft() {
        CertificateAuthority ca = CertificateAuthority.generate("test CA", NOW, Duration.ofDays(90).minus(Duration.ofMinutes(5)));
        // Life is 90 days counting the 5 minutes of backdating: due from day 60 on.
        assertThat(CertificateChecks.renewalDue(ca.certificate(), NOW.plus(Duration.ofDays(59)))).isFalse();
        assertThat(CertificateChecks.renewalDue(ca.certificate(), NOW.plus(Duration.ofDays(60)).plusSeconds(1))).isTrue();
        assertThat(CertificateChecks.renewalDue(ca.certificate(), NOW.minus(Duration.ofHours(1)))).as("not yet valid").isTrue();
    }
}
