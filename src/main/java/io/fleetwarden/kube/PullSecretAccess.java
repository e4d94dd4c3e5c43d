package io.fleetwarden.kube;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fleetwarden.gate.OciSource;
import io.fleetwarden.gate.RegistryAccess;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.HttpRegistryClient;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryClientConfig;
import io.fleetwarden.oci.RegistryCredentials;
import io.fleetwarden.oci.RegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Registry access with the credentials source-controller would use for a source: its
 * {@code spec.secretRef} (a {@code kubernetes.io/dockerconfigjson} Secret in its namespace) and the image
 * pull secrets of its {@code spec.serviceAccountName}. Sources without either share one anonymous client.
 * Clients are cached per (namespace, secrets, resource versions), so a rotated Secret is used at once and
 * the cache holds no stale credentials.
 */
public final class PullSecretAccess implements RegistryAccess, AutoCloseable {

    private final KubernetesClient kube;
    private final RegistryClientConfig base;
    private final HttpRegistryClient anonymous;
    private final Cache<String, HttpRegistryClient> clients;

    public PullSecretAccess(KubernetesClient kube, RegistryClientConfig base) {
        this.kube = kube;
        this.base = base;
        this.anonymous = new HttpRegistryClient(base);
        this.clients = Caffeine.newBuilder().maximumSize(256)
                .removalListener((String k, HttpRegistryClient c, com.github.benmanes.caffeine.cache.RemovalCause r) -> {
                    if (c != null) {
                        c.close();
                    }
                }).build();
    }

    @Override
    public RegistryClient forSource(OciSource source, Deadline deadline) throws RegistryException {
        List<String> names = new ArrayList<>();
        if (source.pullSecret() != null) {
            names.add(source.pullSecret());
        }
        if (source.serviceAccountName() != null) {
            ServiceAccount sa = read(deadline, (KubernetesClient c) -> c.serviceAccounts().inNamespace(source.namespace())
                    .withName(source.serviceAccountName()).get(), "service account " + source.serviceAccountName());
            if (sa != null && sa.getImagePullSecrets() != null) {
                sa.getImagePullSecrets().stream().map(LocalObjectReference::getName).forEach(names::add);
            }
        }
        if (names.isEmpty()) {
            return anonymous;
        }
        RegistryCredentials credentials = RegistryCredentials.none();
        StringBuilder key = new StringBuilder(source.namespace());
        for (String name : names) {
            Secret secret = read(deadline, (KubernetesClient c) -> c.secrets().inNamespace(source.namespace()).withName(name)
                    .get(), "secret " + name);
            if (secret == null) {
                throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "pull secret " + source.namespace()
                        + "/" + name + " does not exist");
            }
            String doc = secret.getData() == null ? null : secret.getData().get(".dockerconfigjson");
            if (doc == null) {
                throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "pull secret " + source.namespace()
                        + "/" + name + " has no .dockerconfigjson key");
            }
            credentials = credentials.with(RegistryCredentials.fromDockerConfigJson(Base64.getDecoder().decode(doc)));
            key.append('|').append(name).append('@').append(secret.getMetadata().getResourceVersion());
        }
        RegistryCredentials resolved = credentials;
        return clients.get(key.toString(), k -> new HttpRegistryClient(new RegistryClientConfig(base.insecureHosts(),
                resolved, base.limits(), base.userAgent(), base.connectTimeout())));
    }

    /** A read within what is left of the review's deadline (see {@link BoundedReads}). */
    private <T> T read(Deadline deadline, Function<KubernetesClient, T> read, String what) throws RegistryException {
        Duration left = deadline.leftFor("reading " + what);
        try {
            return BoundedReads.within(kube, left, read);
        } catch (KubernetesClientException e) {
            // The code only: the message of an API error may quote the object, and this is a Secret.
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "cannot read " + what
                    + " from the Kubernetes API: " + (e.getCode() == 0 ? "no answer within " + left.toMillis() + " ms"
                    : "HTTP " + e.getCode()));
        }
    }

    @Override
    public void close() {
        clients.invalidateAll();
        anonymous.close();
    }
}
