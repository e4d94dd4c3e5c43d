package io.fleetwarden.kube.certs;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * First start of a fresh installation, before the HTTPS server exists. The server cannot start without the
 * mounted certificate files, and nothing but fleetwarden creates them, so waiting for a leader would be a
 * deadlock: instead every replica that finds no files runs one certificate pass itself, before Quarkus
 * starts (the pass is safe to run concurrently: conditional writes, 409 and retry, all replicas converge on
 * one CA), then waits for the kubelet to project the Secret into the pod's volume, which the Deployment
 * must declare {@code optional: true} so the pod can start while the Secret does not exist. The API
 * server's webhooks are not in the way: they match Flux sources and policies, never Secrets, so with
 * {@code failurePolicy: Fail} creating the Secret is never blocked. Once the files are there (always, after
 * the first start) this does nothing and costs no API call.
 */
public final class CertificateBootstrap {

    private static final Logger LOG = Logger.getLogger(CertificateBootstrap.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final KubernetesClient client;
    private final CertificateSettings settings;
    private final Clock clock;

    public CertificateBootstrap(KubernetesClient client, CertificateSettings settings, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
    }

    /** Whether both files are there; a pass and a wait otherwise, failing with what to check after {@code wait}. */
    public static boolean mounted(Path certFile, Path keyFile) {
        return nonEmpty(certFile) && nonEmpty(keyFile);
    }

    public void ensureMounted(Path certFile, Path keyFile, Duration wait) {
        if (mounted(certFile, keyFile)) {
            return;
        }
        LOG.infof("no serving certificate at %s yet: ensuring Secret %s/%s and waiting up to %s for the kubelet to mount it",
                certFile, settings.namespace(), settings.secretName(), wait);
        new WebhookCertificates(client, settings, clock).reconcile();
        Instant deadline = Instant.now().plus(wait);
        while (!mounted(certFile, keyFile)) {
            if (!Instant.now().isBefore(deadline)) {
                throw new IllegalStateException("Secret " + settings.namespace() + "/" + settings.secretName()
                        + " exists but " + certFile + " and " + keyFile + " did not appear within " + wait
                        + ": the Deployment must mount the Secret there with optional: true (not subPath, which the"
                        + " kubelet never updates); exiting so that the pod restarts");
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        LOG.infof("serving certificate mounted at %s", certFile);
    }

    private static boolean nonEmpty(Path file) {
        try {
            return Files.isRegularFile(file) && Files.size(file) > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
