package io.fleetwarden.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.kube.TrustedRootObjects.Lookup;
import io.fleetwarden.policy.Authority;
import io.fleetwarden.policy.CompiledPolicy;
import io.fleetwarden.policy.TrustedRootRef;
import io.fleetwarden.verify.cosign.TrustedRoots;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps the trusted roots that policies take from ConfigMaps and Secrets ({@code trustedRootFrom}) loaded,
 * live, in <b>every</b> replica (each one verifies). Two informers watch the ConfigMaps and the Secrets of
 * fleetwarden's namespace that carry the label {@value #LABEL} (any value): only those are sent and cached,
 * so fleetwarden keeps no copy of the namespace's other Secrets (RBAC cannot select by label, so the Role
 * still allows listing them; the label keeps them out of memory and out of the watch).
 *
 * <p>After any change of such an object, or of the policies, every referenced key is resolved again and
 * applied by {@link TrustedRootLoader} under its derived name ({@link TrustedRootRef#rootName()}). When a root
 * was loaded, replaced, refused or unloaded, the policy generation is bumped ({@link PolicyInformer#invalidate()}):
 * the decision cache is keyed by generation, so a verdict reached under the old root is never reused.
 */
public final class TrustedRootSources implements AutoCloseable {

    /** The label a ConfigMap or Secret must carry to be read as a trusted root source. */
    public static final String LABEL = "fleetwarden.io/trusted-root";

    private final KubernetesClient client;
    private final String namespace;
    private final TrustedRoots roots;
    private final PolicyInformer policies;
    private final TrustedRootLoader loader;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private SharedIndexInformer<ConfigMap> configMaps;
    private SharedIndexInformer<Secret> secrets;
    private volatile boolean loaded;

    /** Why a {@code secretKeyRef} root is refused when Secrets are not watched. */
    static final String SECRETS_OFF = "roots from Secrets are switched off (fleetwarden.gate.trusted-roots-from-secrets"
            + "=false); hold the root in a ConfigMap";

    private final boolean watchSecrets;

    public TrustedRootSources(KubernetesClient client, String namespace, TrustedRoots roots, PolicyInformer policies) {
        this(client, namespace, roots, policies, true);
    }

    /**
     * @param watchSecrets false to read roots from ConfigMaps only: no Secret informer, so the Role may then
     *                     drop list/watch on Secrets (fleetwarden's namespace also holds Flux's Git and
     *                     decryption keys); {@code secretKeyRef} roots are refused with a reason that says so
     */
    public TrustedRootSources(KubernetesClient client, String namespace, TrustedRoots roots, PolicyInformer policies,
            boolean watchSecrets) {
        this.client = client;
        this.namespace = namespace;
        this.roots = roots;
        this.policies = policies;
        this.loader = new TrustedRootLoader(roots, namespace);
        this.watchSecrets = watchSecrets;
    }

    /** Starts the informers without waiting, like {@link PolicyInformer#start()}; readiness waits for them. */
    public synchronized void start() {
        configMaps = InformerRetries.retrying(client.configMaps().inNamespace(namespace).withLabel(LABEL)
                .runnableInformer(0), "trusted-root configmaps");
        configMaps.addEventHandler(new Resync<>());
        if (watchSecrets) {
            secrets = InformerRetries.retrying(client.secrets().inNamespace(namespace).withLabel(LABEL)
                    .runnableInformer(0), "trusted-root secrets");
            secrets.addEventHandler(new Resync<>());
        }
        policies.onRecompiled(this::sync);
        configMaps.start();
        if (watchSecrets) {
            secrets.start();
        }
    }

    /** Runs {@code listener} after a sync that changed a root (e.g. to write policy status soon). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Ready once both informers have listed what exists and the referenced roots were resolved against that
     * list; before that an authority would be denied for a root that is there.
     */
    public boolean loaded() {
        if (!loaded && informersSynced()) {
            sync();
        }
        return loaded;
    }

    /**
     * Why the root {@code rootName} cannot be used now, or empty when it can (or, for a root from the cluster,
     * when the objects are not listed yet and so nothing can be said).
     */
    public Optional<String> problem(String rootName) {
        if (TrustedRootRef.ofRootName(rootName).isPresent() && !loaded) {
            return Optional.empty();
        }
        return roots.unavailable(rootName);
    }

    /** Resolves every referenced root against the informers' objects and applies the result. */
    synchronized void sync() {
        if (!informersSynced()) {
            // Until both lists are in, a root that exists would look missing: refuse nothing yet.
            return;
        }
        Map<TrustedRootRef, Lookup> wanted = new LinkedHashMap<>();
        for (TrustedRootRef ref : referenced(policies.get())) {
            if (ref.kind() != TrustedRootRef.Kind.CONFIG_MAP && !watchSecrets) {
                wanted.put(ref, new TrustedRootObjects.Missing(SECRETS_OFF));
                continue;
            }
            HasMetadata object = (ref.kind() == TrustedRootRef.Kind.CONFIG_MAP ? configMaps : secrets).getStore()
                    .getByKey(namespace + "/" + ref.name());
            wanted.put(ref, TrustedRootObjects.read(ref, namespace, object));
        }
        boolean changed = loader.apply(wanted);
        loaded = true;
        if (changed) {
            policies.invalidate();
            listeners.forEach(Runnable::run);
        }
    }

    static List<TrustedRootRef> referenced(PolicySnapshot snapshot) {
        return snapshot.policies().stream().map(CompiledPolicy::authorities).flatMap(List::stream)
                .map(Authority::trustedRoot).distinct().map(TrustedRootRef::ofRootName).flatMap(Optional::stream)
                .toList();
    }

    private synchronized boolean informersSynced() {
        return configMaps != null && configMaps.hasSynced() && (!watchSecrets || secrets != null && secrets.hasSynced());
    }

    @Override
    public void close() {
        if (configMaps != null) {
            configMaps.close();
        }
        if (secrets != null) {
            secrets.close();
        }
    }

    private final class Resync<T> implements ResourceEventHandler<T> {
        @Override
        public void onAdd(T obj) {
            sync();
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            sync();
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            sync();
        }
    }
}
