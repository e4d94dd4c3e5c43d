package io.fleetwarden.testing.cluster;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.apply.Applier;
import io.fleetwarden.apply.Pruner;
import io.fleetwarden.apply.ResourceMapping;
import io.fleetwarden.artifact.ArchiveLimits;
import io.fleetwarden.artifact.ArtifactStore;
import io.fleetwarden.gate.DecisionCache;
import io.fleetwarden.gate.OciSourceGate;
import io.fleetwarden.oci.HttpRegistryClient;
import io.fleetwarden.oci.RegistryClientConfig;
import io.fleetwarden.kube.NamespaceLabelCache;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.policy.PolicyDocuments;
import io.fleetwarden.reconcile.Engine;
import io.fleetwarden.reconcile.FluxKinds;
import io.fleetwarden.reconcile.kustomize.Dependencies;
import io.fleetwarden.reconcile.kustomize.KustomizationReconciler;
import io.fleetwarden.reconcile.kustomize.TenantGuard;
import io.fleetwarden.reconcile.resourceset.ResourceSetReconciler;
import io.fleetwarden.reconcile.runtime.Backoff;
import io.fleetwarden.reconcile.runtime.Controller;
import io.fleetwarden.reconcile.runtime.Reconciler;
import io.fleetwarden.reconcile.source.OciRepositoryReconciler;
import io.fleetwarden.reconcile.source.VerifiedArtifacts;
import io.fleetwarden.reconcile.status.EventRecorder;
import io.fleetwarden.reconcile.status.StatusWriter;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.verify.cosign.CosignSignatureVerifier;
import io.fleetwarden.verify.cosign.TrustedRoots;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Engine mode in the test JVM, on the real control plane and the real registry: the same reconcilers (OCIRepository,
 * Kustomization, ResourceSet), gate,
 * verifier and apply code the service wires in {@code ReconcilerProducers}, with policies given as YAML (the
 * service reads them from the cluster; what is under test here is what happens after admission). The admin
 * client stands for fleetwarden's service account (it may impersonate tenants).
 */
public final class EngineOnCluster implements AutoCloseable {

    private final KubernetesClient client;
    private final HttpRegistryClient registry;
    private final AtomicReference<PolicySnapshot> policies;
    private final Engine engine;
    private final VerifiedArtifacts held = new VerifiedArtifacts();
    private final NamespaceLabelCache namespaceCache;

    /**
     * How the engine is wired. {@link #TESTS}: small worker pools, fast retries and live namespace reads, so tests
     * see results quickly. {@link #service}: what {@code ReconcilerProducers} wires with the shipped defaults
     * (concurrency 4 and 8, Flux's backoff, the 256 MiB store, namespace labels from an informer), for the
     * benchmarks, which must measure the service and not a test convenience.
     *
     * @param kustomizations wraps the Kustomization reconciler (a benchmark times each reconcile); identity for tests
     * @param shard the engine's shard key (it sees only objects labelled with it), or null for unlabelled objects: a
     *              benchmark starts a fresh engine per phase that ignores the objects of earlier phases
     */
    public record Options(int sourceWorkers, int kustomizationWorkers, Backoff backoff, long storeBytes,
            boolean namespaceInformer, UnaryOperator<Reconciler> kustomizations, String shard) {

        public static final Options TESTS = new Options(2, 4, new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5)),
                64L * 1024 * 1024, false, UnaryOperator.identity(), null);

        public static Options service(UnaryOperator<Reconciler> kustomizations, String shard) {
            return new Options(4, 8, Backoff.FLUX, 256L * 1024 * 1024, true, kustomizations, shard);
        }
    }
    private final java.util.function.Function<Engine.Caches, ResourceSetReconciler> resourceSets;

    public EngineOnCluster(ControlPlane plane, SignedArtifacts artifacts, String policyYaml, Duration dependencyRequeue) {
        this(plane.adminClient(), artifacts, policyYaml, dependencyRequeue, Options.TESTS);
    }

    /**
     * @param shard the shard this engine reconciles ({@code sharding.fluxcd.io/key}), or null for unlabelled objects
     * @param start whether to start at once (else {@link Engine#start()} it, e.g. when a Lease is won)
     */
    public EngineOnCluster(ControlPlane plane, SignedArtifacts artifacts, String policyYaml, Duration dependencyRequeue,
            String shard, int kustomizationWorkers, boolean start) {
        this(plane.adminClient(), artifacts, policyYaml, dependencyRequeue, new Options(Options.TESTS.sourceWorkers(),
                kustomizationWorkers, Options.TESTS.backoff(), Options.TESTS.storeBytes(), false,
                UnaryOperator.identity(), shard), start);
    }

    /** @param client fleetwarden's client (closed with the engine); a benchmark passes one that counts requests */
    public EngineOnCluster(KubernetesClient client, SignedArtifacts artifacts, String policyYaml,
            Duration dependencyRequeue, Options options) {
        this(client, artifacts, policyYaml, dependencyRequeue, options, true);
    }

    private EngineOnCluster(KubernetesClient client, SignedArtifacts artifacts, String policyYaml,
            Duration dependencyRequeue, Options options, boolean start) {
        this.client = client;
        this.registry = new HttpRegistryClient(RegistryClientConfig.defaults());
        this.policies = new AtomicReference<>(snapshot(1, policyYaml));
        CosignSignatureVerifier signatures = new CosignSignatureVerifier(TrustedRoots.empty().add("local",
                artifacts.sigstore().trustedRootJson()), Clock.systemUTC());
        io.fleetwarden.tenancy.NamespaceLabels labels;
        if (options.namespaceInformer()) {
            namespaceCache = new NamespaceLabelCache(client);
            namespaceCache.start();
            labels = namespaceCache::labelsOrFail;
        } else {
            namespaceCache = null;
            labels = ns -> Optional.ofNullable(
                    client.namespaces().withName(ns).get()).map(Namespace::getMetadata).map(m -> m.getLabels() == null
                            ? Map.<String, String>of() : m.getLabels());
        }
        OciSourceGate gate = new OciSourceGate(policies::get, (s, d) -> registry, signatures, DecisionCache.defaults(),
                labels);
        Clock clock = Clock.systemUTC();
        ArtifactStore store = new ArtifactStore(options.storeBytes());
        EventRecorder events = new EventRecorder(client, clock);
        ResourceMapping mapping = new ResourceMapping(client);
        Applier applier = new Applier(client, mapping);
        Pruner pruner = new Pruner(client, mapping);
        TenantGuard tenancy = new TenantGuard(policies::get, labels, null);
        this.resourceSets = caches -> new ResourceSetReconciler(caches, client, applier, pruner, mapping, tenancy, events,
                clock, dependencyRequeue);
        Backoff backoff = options.backoff();
        this.engine = new Engine(client, options.shard(), List.of(
                Engine.Kind.reconciled(FluxKinds.OCI_REPOSITORY, (caches, e) -> new Controller("OCIRepository", options.sourceWorkers(),
                        new OciRepositoryReconciler(k -> caches.get(FluxKinds.OCI_REPOSITORY, k), gate,
                                (s, d) -> registry, store, ArchiveLimits.defaults(), held,
                                new StatusWriter(client, FluxKinds.OCI_REPOSITORY), events, e::sourceChanged, clock),
                        backoff, clock), null),
                Engine.Kind.reconciled(FluxKinds.KUSTOMIZATION, (caches, e) -> new Controller("Kustomization",
                        options.kustomizationWorkers(), options.kustomizations().apply(new KustomizationReconciler(
                                k -> caches.get(FluxKinds.KUSTOMIZATION, k), held,
                                held.awaitedAmong(k -> caches.get(FluxKinds.OCI_REPOSITORY, k)), client, applier, pruner, mapping,
                                tenancy, events, clock, dependencyRequeue)),
                        backoff, clock), Dependencies::dependsOn),
                Engine.Kind.reconciled(FluxKinds.RESOURCE_SET, (caches, e) -> new Controller("ResourceSet", 2,
                        resourceSets.apply(caches),
                        backoff, clock), ResourceSetReconciler::dependsOn),
                Engine.Kind.readOnly(FluxKinds.RESOURCE_SET_INPUT_PROVIDER),
                Engine.Kind.reconciledIfInstalled(FluxKinds.FLUX_INSTANCE, (caches, e) -> new Controller("FluxInstance", 1,
                        new io.fleetwarden.reconcile.fluxinstance.FluxInstanceReconciler(
                                k -> caches.get(FluxKinds.FLUX_INSTANCE, k), applier, tenancy,
                                new io.fleetwarden.reconcile.fluxinstance.FluxInstanceStatus(client, events, clock), clock),
                        backoff, clock))));
        if (start) {
            engine.start();
        }
    }

    public static PolicySnapshot snapshot(long generation, String yaml) {
        return PolicySnapshot.compile(generation, PolicyDocuments.parse("test", yaml), Uncovered.DENY);
    }

    public KubernetesClient client() {
        return client;
    }

    public Engine engine() {
        return engine;
    }

    /** A ResourceSet reconciler wired as the engine's, over caches a test controls (one not yet synced, say). */
    public ResourceSetReconciler resourceSetReconciler(Engine.Caches caches) {
        return resourceSets.apply(caches);
    }

    public VerifiedArtifacts held() {
        return held;
    }

    @Override
    public void close() {
        engine.close();
        if (namespaceCache != null) {
            namespaceCache.close();
        }
        registry.close();
        client.close();
    }
}
