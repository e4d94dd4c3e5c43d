package io.fleetwarden.config;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.apply.Applier;
import io.fleetwarden.apply.Pruner;
import io.fleetwarden.apply.ResourceMapping;
import io.fleetwarden.artifact.ArchiveLimits;
import io.fleetwarden.artifact.ArtifactStore;
import io.fleetwarden.gate.OciSourceGate;
import io.fleetwarden.kube.LeaderDuties;
import io.fleetwarden.kube.NamespaceLabelCache;
import io.fleetwarden.kube.PolicyInformer;
import io.fleetwarden.kube.PullSecretAccess;
import io.fleetwarden.reconcile.Engine;
import io.fleetwarden.reconcile.FluxKinds;
import io.fleetwarden.reconcile.fluxinstance.FluxInstanceReconciler;
import io.fleetwarden.reconcile.fluxinstance.FluxInstanceStatus;
import io.fleetwarden.reconcile.kustomize.Dependencies;
import io.fleetwarden.reconcile.kustomize.KustomizationReconciler;
import io.fleetwarden.reconcile.kustomize.TenantGuard;
import io.fleetwarden.reconcile.resourceset.ResourceSetReconciler;
import io.fleetwarden.reconcile.runtime.Backoff;
import io.fleetwarden.reconcile.runtime.Controller;
import io.fleetwarden.reconcile.runtime.FluxMetrics;
import io.fleetwarden.reconcile.source.OciRepositoryReconciler;
import io.fleetwarden.reconcile.source.VerifiedArtifacts;
import io.fleetwarden.reconcile.status.EventRecorder;
import io.fleetwarden.reconcile.status.StatusWriter;
import io.quarkus.runtime.Startup;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Engine mode's wiring: the reconciler runs on the replica that leads (one leader election for everything only
 * the leader does), with the gate's policies, verifier, decision cache and registry access. In guard mode nothing
 * here runs and no Flux kind is watched.
 */
@ApplicationScoped
public class ReconcilerProducers {

    private static final Logger LOG = Logger.getLogger(ReconcilerProducers.class);

    @Produces
    @Singleton
    @Startup
    Optional<Engine> engine(ReconcilerConfig config, KubernetesClient client, OciSourceGate gate,
            PullSecretAccess registries, PolicyInformer policies, NamespaceLabelCache namespaces, LeaderDuties leader,
            MeterRegistry meters) {
        if (config.mode() != ReconcilerConfig.Mode.ENGINE) {
            LOG.info("guard mode: admission only, the reconciler is off");
            return Optional.empty();
        }
        ReconcilerConfig.Reconciler r = config.reconciler();
        Clock clock = Clock.systemUTC();
        VerifiedArtifacts held = new VerifiedArtifacts();
        ArtifactStore store = new ArtifactStore(r.storeBytes());
        EventRecorder events = new EventRecorder(client, clock);
        ResourceMapping mapping = new ResourceMapping(client);
        Applier applier = new Applier(client, mapping);
        Pruner pruner = new Pruner(client, mapping);
        FluxMetrics metrics = new FluxMetrics(meters);
        TenantGuard tenancy = new TenantGuard(policies, namespaces::labelsOrFail, r.defaultServiceAccount().orElse(null));
        Engine engine = new Engine(client, r.shard().orElse(null), List.of(
                Engine.Kind.reconciled(FluxKinds.OCI_REPOSITORY, (caches, e) -> new Controller("OCIRepository",
                        r.ociRepositoryConcurrency(), new OciRepositoryReconciler(
                                k -> caches.get(FluxKinds.OCI_REPOSITORY, k), gate, registries, store,
                                ArchiveLimits.defaults(), held, new StatusWriter(client, FluxKinds.OCI_REPOSITORY),
                                events, e::sourceChanged, clock),
                        Backoff.FLUX, clock, metrics.controller("OCIRepository", r.ociRepositoryConcurrency())), null),
                Engine.Kind.reconciled(FluxKinds.KUSTOMIZATION, (caches, e) -> new Controller("Kustomization",
                        r.kustomizationConcurrency(), new KustomizationReconciler(
                                k -> caches.get(FluxKinds.KUSTOMIZATION, k), held,
                                held.awaitedAmong(k -> caches.get(FluxKinds.OCI_REPOSITORY, k)), client, applier, pruner, mapping,
                                tenancy, events, clock, r.dependencyRequeue()),
                        Backoff.FLUX, clock, metrics.controller("Kustomization", r.kustomizationConcurrency())),
                        Dependencies::dependsOn),
                Engine.Kind.reconciled(FluxKinds.RESOURCE_SET, (caches, e) -> new Controller("ResourceSet",
                        r.resourceSetConcurrency(), new ResourceSetReconciler(caches, client, applier, pruner, mapping,
                                tenancy, events, clock, r.dependencyRequeue()),
                        Backoff.FLUX, clock, metrics.controller("ResourceSet", r.resourceSetConcurrency())),
                        ResourceSetReconciler::dependsOn),
                Engine.Kind.readOnly(FluxKinds.RESOURCE_SET_INPUT_PROVIDER),
                Engine.Kind.reconciledIfInstalled(FluxKinds.FLUX_INSTANCE, (caches, e) -> new Controller("FluxInstance", 1,
                        new FluxInstanceReconciler(k -> caches.get(FluxKinds.FLUX_INSTANCE, k), applier, tenancy,
                                new FluxInstanceStatus(client, events, clock), clock),
                        Backoff.FLUX, clock, metrics.controller("FluxInstance", 1)))));
        leader.add(new LeaderDuties.Leadership() {
            @Override
            public void startLeading() {
                engine.start();
            }

            @Override
            public void stopLeading() {
                engine.stop();
            }
        });
        LOG.infof("engine mode: reconciling OCIRepositories, Kustomizations, ResourceSets and FluxInstances' sync while leading%s",
                r.shard().map(s -> " shard " + s).orElse(""));
        return Optional.of(engine);
    }

    void close(@Disposes Optional<Engine> engine) {
        engine.ifPresent(Engine::close);
    }
}
