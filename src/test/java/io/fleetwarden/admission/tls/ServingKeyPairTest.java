package io.fleetwarden.admission.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.testing.TlsFixture;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServingKeyPairTest {

    private static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void matchingPairIsServedAndSwapKeepsAliasesOfBothGenerations() throws Exception {
        try (TlsFixture tls = TlsFixture.create()) {
            ServingKeyPair first = read(tls);
            SwappableKeyManager manager = new SwappableKeyManager(first.keyManager());
            String firstAlias = manager.chooseEngineServerAlias("EC", null, null);

            TlsFixture.Generation next = tls.rotate();
            manager.swap(read(tls).keyManager());
            String nextAlias = manager.chooseEngineServerAlias("EC", null, null);

            // A handshake that chose its alias before the swap still gets the chain of the same pair.
            assertThat(manager.getCertificateChain(firstAlias)[0]).isEqualTo(first.leaf());
            assertThat(manager.getCertificateChain(nextAlias)[0]).isEqualTo(next.serving());
            assertThat(manager.getPrivateKey(firstAlias)).isNotNull().isNotEqualTo(manager.getPrivateKey(nextAlias));
            assertThat(manager.getCertificateChain("unknown|alias")).isNull();
        }
    }

    @Test
    void keyOfAnotherCertificateIsRefused() throws Exception {
        try (TlsFixture tls = TlsFixture.create()) {
            tls.rotateToMismatchedKey();

            assertThatThrownBy(() -> read(tls)).isInstanceOf(ServingKeyPair.InvalidKeyPairException.class)
                    .hasMessage("the private key does not belong to the certificate CN=localhost");
        }
    }

    @Test
    void garbageIsRefused() {
        assertThatThrownBy(() -> ServingKeyPair.parse(vertx, "not a pem".getBytes(StandardCharsets.US_ASCII),
                "nor this".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(ServingKeyPair.InvalidKeyPairException.class)
                .hasMessageStartingWith("cannot read the PEM certificate and key: ");
    }

    private static ServingKeyPair read(TlsFixture tls) throws Exception {
        return ServingKeyPair.parse(vertx, Files.readAllBytes(tls.certFile()), Files.readAllBytes(tls.keyFile()));
    }
}
