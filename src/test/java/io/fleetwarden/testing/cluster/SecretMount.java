package io.fleetwarden.testing.cluster;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The kubelet's half of a Secret volume, for a service run outside the cluster: watches one Secret and
 * projects every version of it into {@code dir} the way the kubelet's AtomicWriter does ({@code tls.crt},
 * {@code tls.key}, {@code ca.crt} are symlinks into {@code ..data}, a symlink to a generation directory that
 * one rename switches), so the service sees what a pod sees: nothing until the Secret exists (an
 * {@code optional: true} volume), then whole versions, never a mix of two. Unlike the kubelet (which syncs
 * every minute or so) it writes as soon as the watch delivers, which only makes a rotation test harsher for
 * the API server side: the overlap must cover the delivery, however fast.
 */
public final class SecretMount implements AutoCloseable {

    private static final List<String> KEYS = List.of("tls.crt", "tls.key", "ca.crt");

    private final Path dir;
    private final SharedIndexInformer<Secret> informer;
    private final List<String> written = new ArrayList<>();
    private final List<X509Certificate> cas = new ArrayList<>();
    private final List<X509Certificate> servings = new ArrayList<>();

    private SecretMount(Path dir, KubernetesClient client, String namespace, String name) {
        this.dir = dir;
        this.informer = client.secrets().inNamespace(namespace).withName(name).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Secret secret) {
                project(secret);
            }

            @Override
            public void onUpdate(Secret before, Secret secret) {
                project(secret);
            }

            @Override
            public void onDelete(Secret secret, boolean unknownFinalState) {
                // The kubelet keeps the last files of a deleted optional Secret; so do we.
            }
        });
    }

    /** Starts watching; {@code client} must stay open until {@link #close()}. */
    public static SecretMount start(KubernetesClient client, String namespace, String name, Path dir) {
        try {
            Files.createDirectories(dir);
            for (String key : KEYS) {
                Files.createSymbolicLink(dir.resolve(key), Path.of("..data", key));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SecretMount(dir, client, namespace, name);
    }

    public Path certFile() {
        return dir.resolve("tls.crt");
    }

    public Path keyFile() {
        return dir.resolve("tls.key");
    }

    /** Every {@code ca.crt} projected so far, oldest first (a client trusting them all survives rotations). */
    public synchronized List<X509Certificate> cas() {
        return List.copyOf(cas);
    }

    /** Every {@code tls.crt} projected so far, oldest first. */
    public synchronized List<X509Certificate> servingCertificates() {
        return List.copyOf(servings);
    }

    /** The resourceVersions projected, in order. */
    public synchronized List<String> versions() {
        return List.copyOf(written);
    }

    /** Waits (on this object's monitor, notified at each projection) until a first version is on disk. */
    public synchronized boolean awaitMounted(Duration timeout) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (written.isEmpty()) {
            long left = Duration.between(Instant.now(), end).toMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    private synchronized void project(Secret secret) {
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        if (!data.keySet().containsAll(KEYS) || written.contains(secret.getMetadata().getResourceVersion())) {
            return; // a kubernetes.io/tls Secret always has them; anything else is not ours to mount
        }
        try {
            String generation = "..gen-" + (written.size() + 1);
            Path target = Files.createDirectory(dir.resolve(generation));
            for (String key : KEYS) {
                Files.write(target.resolve(key), Base64.getDecoder().decode(data.get(key)));
            }
            // The AtomicWriter move: one rename(2) of the ..data symlink switches all three files at once.
            Path link = Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of(generation));
            Files.move(link, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
            cas.add(certificate(data.get("ca.crt")));
            servings.add(certificate(data.get("tls.crt")));
            written.add(secret.getMetadata().getResourceVersion());
            notifyAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static X509Certificate certificate(String base64Pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64Pem)));
        } catch (CertificateException e) {
            throw new IllegalStateException("the mounted Secret holds no certificate", e);
        }
    }

    @Override
    public void close() {
        informer.close();
    }
}
