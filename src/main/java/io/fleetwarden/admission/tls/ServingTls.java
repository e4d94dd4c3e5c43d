package io.fleetwarden.admission.tls;

import io.fleetwarden.admission.tls.ServingKeyPair.InvalidKeyPairException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Serves HTTPS with the certificate and key from {@code fleetwarden.tls.cert-file}/{@code key-file} and
 * follows their rotation. Quarkus builds the HTTPS server from the TLS registry ({@code quarkus.tls.webhook},
 * same files, loaded and checked at boot); this customizer then hands the server a {@link SwappableKeyManager},
 * and a background task compares the files every {@code reload-period} and swaps in a changed pair once it
 * parses and its key matches its certificate. A bad pair is refused and the current one stays served.
 */
@ApplicationScoped
public class ServingTls implements HttpServerOptionsCustomizer {

    /** What a reload did. */
    public enum Reload { UNCHANGED, RELOADED, REJECTED }

    private static final Logger LOG = Logger.getLogger(ServingTls.class);
    private static final int MAX_PEM_BYTES = 1024 * 1024;

    private final Vertx vertx;
    private final ServingTlsConfig config;
    private SwappableKeyManager keyManager;
    private byte[] servedDigest;
    private byte[] rejectedDigest;
    private String servedSerial;
    private ScheduledExecutorService reloader;

    @Inject
    public ServingTls(Vertx vertx, ServingTlsConfig config) {
        this.vertx = vertx;
        this.config = config;
    }

    @Override
    public synchronized void customizeHttpsServer(HttpServerOptions options) {
        if (keyManager == null) {
            start();
        }
        options.setKeyCertOptions(KeyCertOptions.wrap(keyManager));
    }

    /** Compares the files with what is served and swaps a changed, valid pair in. */
    public synchronized Reload reload() {
        if (keyManager == null) {
            throw new IllegalStateException("the HTTPS server has not started");
        }
        byte[] certificate;
        byte[] key;
        try {
            certificate = read(config.certFile());
            key = read(config.keyFile());
        } catch (IOException e) {
            LOG.warnf("cannot read the serving certificate files, still serving serial=%s: %s", servedSerial,
                    e.getMessage());
            return Reload.REJECTED;
        }
        byte[] digest = digest(certificate, key);
        if (Arrays.equals(digest, servedDigest)) {
            return Reload.UNCHANGED;
        }
        if (Arrays.equals(digest, rejectedDigest)) {
            return Reload.REJECTED;
        }
        try {
            ServingKeyPair pair = ServingKeyPair.parse(vertx, certificate, key);
            keyManager.swap(pair.keyManager());
            servedDigest = digest;
            rejectedDigest = null;
            logServed(pair);
            return Reload.RELOADED;
        } catch (InvalidKeyPairException e) {
            rejectedDigest = digest;
            LOG.warnf("refused the new serving certificate files, still serving serial=%s: %s", servedSerial,
                    e.getMessage());
            return Reload.REJECTED;
        }
    }

    void stop(@Observes ShutdownEvent event) {
        synchronized (this) {
            if (reloader != null) {
                reloader.shutdownNow();
            }
        }
    }

    private void start() {
        try {
            byte[] certificate = read(config.certFile());
            byte[] key = read(config.keyFile());
            ServingKeyPair pair = ServingKeyPair.parse(vertx, certificate, key);
            keyManager = new SwappableKeyManager(pair.keyManager());
            servedDigest = digest(certificate, key);
            logServed(pair);
        } catch (IOException | InvalidKeyPairException e) {
            throw new IllegalStateException("cannot serve HTTPS with " + config.certFile() + " and " + config.keyFile()
                    + ": " + e.getMessage(), e);
        }
        reloader = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "fleetwarden-tls-reload");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(100, config.reloadPeriod().toMillis());
        reloader.scheduleWithFixedDelay(this::reloadQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: log and keep the schedule alive.
            LOG.errorf(e, "serving certificate reload failed");
        }
    }

    private void logServed(ServingKeyPair pair) {
        servedSerial = pair.leaf().getSerialNumber().toString(16);
        LOG.infof("serving certificate subject=\"%s\" serial=%s notAfter=%s",
                pair.leaf().getSubjectX500Principal().getName(), servedSerial, pair.leaf().getNotAfter().toInstant());
    }

    private static byte[] read(String file) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            byte[] bytes = in.readNBytes(MAX_PEM_BYTES + 1);
            if (bytes.length > MAX_PEM_BYTES) {
                throw new IOException(file + " is larger than " + MAX_PEM_BYTES + " bytes");
            }
            return bytes;
        }
    }

    private static byte[] digest(byte[] certificate, byte[] key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(ByteBuffer.allocate(4).putInt(certificate.length).array());
            sha256.update(certificate);
            sha256.update(key);
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
