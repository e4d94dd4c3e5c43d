package io.fleetwarden.kube;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fleetwarden.gate.KubernetesApiUnavailable;
import io.fleetwarden.source.OciSource;
import io.fleetwarden.source.RegistryAccess;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.HttpRegistryClient;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryClientConfig;
import io.fleetwarden.oci.RegistryCredentials;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryProxy;
import io.fleetwarden.oci.RegistryTls;
import io.fleetwarden.oci.cloud.CloudLogin;
import io.fleetwarden.oci.cloud.CloudLogins;
import io.fleetwarden.oci.cloud.CloudProvider;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Registry access with the credentials source-controller would use for a source: its
 * {@code spec.secretRef} (a {@code kubernetes.io/dockerconfigjson} Secret in its namespace) and the image
 * pull secrets of its {@code spec.serviceAccountName} ({@code kubernetes.io/dockerconfigjson}, or the legacy
 * {@code kubernetes.io/dockercfg} that Kubernetes still accepts as image pull secrets), and the TLS material of its
 * {@code spec.certSecretRef} ({@link RegistryTlsSecrets}; for a Helm chart's repository without one, TLS keys in its
 * {@code secretRef}, as Flux still reads them), and the proxy of its {@code spec.proxySecretRef} ({@link ProxySecrets}).
 * A source with {@code spec.provider} {@code aws}, {@code azure} or {@code gcp} and no pull secret at all logs in
 * with the service's own cloud identity ({@link CloudLogins}), as source-controller does with its own.
 * Sources without any of these share one client without credentials.
 * Clients are cached per (namespace, secrets, resource versions), so a rotated Secret is used at once; the
 * client of a superseded version is dropped (and closed) once unused for {@value #SUPERSEDED_AFTER_MINUTES}
 * minutes, so old credentials do not stay in memory for the life of the process.
 *
 * <p>A missing service account, a missing Secret or one without a usable {@code .dockerconfigjson} (or
 * {@code .dockercfg}) is an
 * {@link RegistryException.Kind#UNAUTHORIZED} error, as source-controller fails such a pull; an API server that
 * cannot answer is {@link KubernetesApiUnavailable}; messages name the object and never quote Secret data.
 */
public final class PullSecretAccess implements RegistryAccess, AutoCloseable {

    static final int SUPERSEDED_AFTER_MINUTES = 10;

    private final KubernetesClient kube;
    private final RegistryClientConfig base;
    private final HttpRegistryClient anonymous;
    private final Cache<String, HttpRegistryClient> clients;
    private final CloudLogins cloud;

    public PullSecretAccess(KubernetesClient kube, RegistryClientConfig base) {
        this(kube, base, CloudLogins.fromEnvironment());
    }

    /** @param cloud the service's own cloud identities, for sources with {@code spec.provider} and no secret */
    public PullSecretAccess(KubernetesClient kube, RegistryClientConfig base, CloudLogins cloud) {
        this.kube = kube;
        this.base = base;
        this.cloud = cloud;
        this.anonymous = new HttpRegistryClient(base);
        this.clients = Caffeine.newBuilder().maximumSize(256)
                .expireAfterAccess(SUPERSEDED_AFTER_MINUTES, TimeUnit.MINUTES)
                .removalListener((String k, HttpRegistryClient c, RemovalCause r) -> {
                    if (c != null) {
                        c.close();
                    }
                }).build();
    }

    @Override
    public RegistryClient forSource(OciSource source, Deadline deadline) throws RegistryException {
        String ns = source.namespace();
        // Flux's order: secretRef first, then the service account's pull secrets; a name listed twice is read once.
        Set<String> names = new LinkedHashSet<>();
        if (source.pullSecret() != null) {
            names.add(source.pullSecret());
        }
        if (source.serviceAccountName() != null) {
            String what = "service account " + ns + "/" + source.serviceAccountName();
            ServiceAccount sa = read(deadline, (KubernetesClient c) -> c.serviceAccounts().inNamespace(ns)
                    .withName(source.serviceAccountName()).get(), what);
            if (sa == null) {
                // source-controller fails the pull when the account is missing; pulling anonymously instead
                // could check a different artifact than the one Flux would (or fail to) fetch.
                throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, what + " does not exist");
            }
            if (sa.getImagePullSecrets() != null) {
                sa.getImagePullSecrets().stream().map(LocalObjectReference::getName).filter(Objects::nonNull)
                        .forEach(names::add);
            }
        }
        Optional<CloudProvider> provider = cloudProvider(source, names);
        if (names.isEmpty() && provider.isEmpty() && source.certSecret() == null && source.proxySecret() == null) {
            return anonymous;
        }
        RegistryCredentials credentials = RegistryCredentials.none();
        RegistryTls tls = RegistryTls.system();
        StringBuilder key = new StringBuilder(ns);
        for (String name : names) {
            String what = "pull secret " + ns + "/" + name;
            Secret secret = read(deadline, (KubernetesClient c) -> c.secrets().inNamespace(ns).withName(name).get(),
                    what);
            // Earlier secrets win for a registry both have a login for, as in source-controller's keychain
            // (the first matching credential of the keyring is used).
            credentials = (source.chart() != null ? chartLoginsOf(secret, what, source.repository().registry())
                    : loginsOf(secret, what)).with(credentials);
            key.append('|').append(name).append('@').append(secret.getMetadata().getResourceVersion());
            if (source.chart() != null && source.certSecret() == null && name.equals(source.pullSecret())) {
                tls = RegistryTlsSecrets.ofDeprecatedAuthSecret(secret, what);
            }
        }
        if (source.certSecret() != null) {
            String what = "cert secret " + ns + "/" + source.certSecret();
            Secret secret = required(deadline, ns, source.certSecret(), what);
            tls = RegistryTlsSecrets.ofCertSecret(secret, what);
            key.append("|tls:").append(source.certSecret()).append('@')
                    .append(secret.getMetadata().getResourceVersion());
        }
        RegistryProxy proxy = null;
        if (source.proxySecret() != null) {
            String what = "proxy secret " + ns + "/" + source.proxySecret();
            Secret secret = required(deadline, ns, source.proxySecret(), what);
            proxy = ProxySecrets.of(secret, what);
            key.append("|proxy:").append(source.proxySecret()).append('@')
                    .append(secret.getMetadata().getResourceVersion());
        }
        if (provider.isPresent()) {
            // source-controller asks its cloud identity through the source's proxy too (auth.WithProxyURL).
            String registry = source.repository().registry();
            Optional<CloudLogin> login = cloud.loginFor(provider.get(), registry, proxy == null ? base.proxy() : proxy,
                    deadline);
            if (login.isPresent()) {
                credentials = RegistryCredentials.of(Map.of(registry, login.get().login()));
                // A renewed login is a new client; the old one is dropped once unused, with its token.
                key.append("|cloud:").append(provider.get().fieldValue()).append('@').append(login.get().expiresAt());
            }
        }
        RegistryClientConfig config = base.forSource(credentials, tls, proxy);
        return clients.get(key.toString(), k -> new HttpRegistryClient(config));
    }

    /**
     * The cloud whose identity logs in for the source, as source-controller decides: a {@code spec.provider} other
     * than {@code generic}, and only when the source has no pull secret at all (its own or its service account's;
     * with any, the provider is not consulted). With {@code spec.serviceAccountName}, Flux would use that account's
     * workload identity, behind its {@code ObjectLevelWorkloadIdentity} feature gate (off by default, and then a
     * stalled source); fleetwarden does not issue tokens for tenants' accounts, so such a source is refused with
     * what to do instead, never given the platform's own identity.
     */
    private static Optional<CloudProvider> cloudProvider(OciSource source, Set<String> names) throws RegistryException {
        Optional<CloudProvider> provider;
        try {
            provider = CloudProvider.named(source.provider());
        } catch (IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, e.getMessage());
        }
        if (provider.isEmpty() || !names.isEmpty()) {
            return Optional.empty();
        }
        if (source.serviceAccountName() != null) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "spec.provider " + source.provider()
                    + " with spec.serviceAccountName " + source.serviceAccountName() + " asks for that account's "
                    + "workload identity (Flux's ObjectLevelWorkloadIdentity), which fleetwarden does not support; give "
                    + "the account an image pull secret, or name one in spec.secretRef");
        }
        return provider;
    }

    /** A Secret the source names; a missing one fails the pull, as source-controller fails it. */
    private Secret required(Deadline deadline, String ns, String name, String what) throws RegistryException {
        Secret secret = read(deadline, (KubernetesClient c) -> c.secrets().inNamespace(ns).withName(name).get(), what);
        if (secret == null) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, what + " does not exist");
        }
        return secret;
    }

    /**
     * The logins of a HelmRepository's {@code secretRef}, read as source-controller reads it for an OCI repository: a
     * {@code kubernetes.io/dockerconfigjson} Secret as a pull secret, any other type by its {@code username} and
     * {@code password} keys, a login for the repository's own host (neither key: anonymous, as Flux pulls then; one
     * without the other: refused, as Flux refuses it).
     */
    private static RegistryCredentials chartLoginsOf(Secret secret, String what, String registry)
            throws RegistryException {
        if (secret == null || "kubernetes.io/dockerconfigjson".equals(secret.getType())) {
            return loginsOf(secret, what);
        }
        SecretValues values = new SecretValues(secret, what);
        String username = values.text("username");
        String password = values.text("password");
        if (username.isEmpty() && password.isEmpty()) {
            return RegistryCredentials.none();
        }
        if (username.isEmpty() || password.isEmpty()) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, what + " needs both username and password "
                    + "(or type kubernetes.io/dockerconfigjson)");
        }
        return RegistryCredentials.of(Map.of(registry, new RegistryCredentials.Login(username, password)));
    }

    /** The logins of a pull secret; every failure names the secret and quotes nothing of its content. */
    private static RegistryCredentials loginsOf(Secret secret, String what) throws RegistryException {
        if (secret == null) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, what + " does not exist");
        }
        // kubernetes.io/dockerconfigjson, or the legacy kubernetes.io/dockercfg that image pull secrets may still be.
        SecretValues values = new SecretValues(secret, what);
        String key = values.has(".dockerconfigjson") || !values.has(".dockercfg") ? ".dockerconfigjson" : ".dockercfg";
        if (!values.has(key)) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, what
                    + " has no .dockerconfigjson (or legacy .dockercfg) key");
        }
        byte[] json = values.bytes(key);
        try {
            return key.equals(".dockercfg") ? RegistryCredentials.fromDockerCfg(json)
                    : RegistryCredentials.fromDockerConfigJson(json);
        } catch (IllegalArgumentException e) {
            // RegistryCredentials' messages name hosts and fields only, never content.
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, what + ": " + e.getMessage());
        }
    }

    /**
     * A read within what is left of the review's deadline (see {@link BoundedReads}). An API failure is about the
     * API server, not a registry: it is reported as {@link KubernetesApiUnavailable}, so that the gate answers
     * Unavailable and says which server to look at.
     */
    private <T> T read(Deadline deadline, Function<KubernetesClient, T> read, String what) throws RegistryException {
        Duration left = deadline.leftFor("reading " + what);
        try {
            return BoundedReads.within(kube, left, read);
        } catch (BoundedReads.NoAnswer e) {
            throw new KubernetesApiUnavailable("cannot read " + what + " from the Kubernetes API: " + e.getMessage());
        } catch (KubernetesClientException e) {
            // The code only: the message of an API error may quote the object, and this may be a Secret.
            throw new KubernetesApiUnavailable("cannot read " + what + " from the Kubernetes API: "
                    + (e.getCode() > 0 ? "HTTP " + e.getCode()
                    : "the request failed (" + rootCause(e).getClass().getSimpleName() + ")"));
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    @Override
    public void close() {
        clients.invalidateAll();
        anonymous.close();
    }
}
