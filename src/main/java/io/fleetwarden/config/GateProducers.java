package io.fleetwarden.config;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.admission.AdmissionHandler;
import io.fleetwarden.admission.HelmChartAdmission;
import io.fleetwarden.admission.HelmRepositoryAdmission;
import io.fleetwarden.admission.OciRepositoryAdmission;
import io.fleetwarden.admission.PolicyAdmission;
import io.fleetwarden.admission.TenancyAdmissionHandler;
import io.fleetwarden.admission.WebhookPath;
import io.fleetwarden.admission.WebhookPaths;
import io.fleetwarden.gate.DecisionCache;
import io.fleetwarden.gate.HelmChartGate;
import io.fleetwarden.gate.OciSourceGate;
import io.fleetwarden.gate.RecentTagResolutions;
import io.fleetwarden.source.RegistryAccess;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.kube.HelmSourceCache;
import io.fleetwarden.kube.NamespaceLabelCache;
import io.fleetwarden.kube.PolicyInformer;
import io.fleetwarden.kube.PullSecretAccess;
import io.fleetwarden.kube.TrustedRootSources;
import io.fleetwarden.policy.TrustedRootRef;
import io.fleetwarden.oci.RegistryClientConfig;
import io.fleetwarden.oci.RegistryProxy;
import io.fleetwarden.verify.cosign.CosignSignatureVerifier;
import io.fleetwarden.verify.cosign.TrustedRoots;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Wires the gate for the service: the one place that knows every package. Trusted roots from files are
 * loaded at start (a bad root fails the start, not the first review); policy, namespace and trusted-root
 * informers start in every replica.
 */
@ApplicationScoped
public class GateProducers {

    private static final Logger LOG = Logger.getLogger(GateProducers.class);

    @Produces
    @Singleton
    TrustedRoots trustedRoots(GateConfig config) {
        TrustedRoots roots = TrustedRoots.withPublicGood();
        for (var e : config.trustedRoots().entrySet()) {
            if (TrustedRootRef.isReservedName(e.getKey())) {
                // Such a root would be replaced or unloaded by TrustedRootSources.
                throw new IllegalStateException("fleetwarden.gate.trusted-roots.\"" + e.getKey() + "\": names starting "
                        + "with configmap: or secret: are reserved for roots from the cluster (trustedRootFrom)");
            }
            roots = roots.add(e.getKey(), Path.of(e.getValue()));
        }
        return roots;
    }

    @Produces
    @Singleton
    CosignSignatureVerifier signatures(TrustedRoots roots) {
        return new CosignSignatureVerifier(roots, Clock.systemUTC());
    }

    @Produces
    @Singleton
    @Startup
    PolicyInformer policies(KubernetesClient client, GateConfig config) {
        PolicyInformer informer = new PolicyInformer(client, Uncovered.parse(config.uncovered()));
        informer.start();
        return informer;
    }

    void closePolicies(@Disposes PolicyInformer informer) {
        informer.close();
    }

    /**
     * Custom roots from ConfigMaps and Secrets, in every replica like the policies: each replica verifies with
     * its own {@link TrustedRoots}.
     */
    @Produces
    @Singleton
    @Startup
    TrustedRootSources trustedRootSources(KubernetesClient client, GateConfig config, TrustedRoots roots,
            PolicyInformer policies) {
        TrustedRootSources sources = new TrustedRootSources(client, config.trustedRootNamespace(), roots, policies,
                config.trustedRootsFromSecrets());
        sources.start();
        return sources;
    }

    void closeTrustedRootSources(@Disposes TrustedRootSources sources) {
        sources.close();
    }

    @Produces
    @Singleton
    @Startup
    NamespaceLabelCache namespaces(KubernetesClient client) {
        NamespaceLabelCache cache = new NamespaceLabelCache(client);
        cache.start();
        return cache;
    }

    void closeNamespaces(@Disposes NamespaceLabelCache cache) {
        cache.close();
    }

    /**
     * Created at startup so that a proxy variable fleetwarden cannot follow (HTTPS_PROXY=socks5://...) stops the
     * service with a message naming it, rather than failing every review that reaches a registry.
     */
    @Produces
    @Singleton
    @Startup
    PullSecretAccess registries(KubernetesClient client, GateConfig config) {
        RegistryClientConfig.Builder b = RegistryClientConfig.builder();
        config.insecureRegistries().ifPresent(hosts -> hosts.forEach(b::insecureHost));
        RegistryProxy proxy = RegistryProxy.fromEnvironment(System.getenv());
        if (proxy.configured()) {
            LOG.infof("registries are reached through %s", proxy);
        }
        return new PullSecretAccess(client, b.proxy(proxy).build());
    }

    void closeRegistries(@Disposes PullSecretAccess access) {
        access.close();
    }

    @Produces
    @Singleton
    OciSourceGate gate(PolicyInformer policies, PullSecretAccess registries, CosignSignatureVerifier signatures,
            GateConfig config, NamespaceLabelCache namespaces) {
        Duration ttl = config.tagResolutionTtl();
        RegistryAccess access = ttl.isZero() ? registries : new RecentTagResolutions(registries, ttl);
        return new OciSourceGate(policies, access, signatures, new DecisionCache(config.cacheEntries(),
                config.cacheVerifiedFor(), config.cacheDeniedFor()), namespaces::labelsOrFail);
    }

    @Produces
    @Singleton
    @WebhookPath(WebhookPaths.VALIDATE_OCIREPOSITORY)
    AdmissionHandler ociRepositories(OciSourceGate gate, GateConfig config) {
        return new OciRepositoryAdmission(gate, config.reviewBudget());
    }

    @Produces
    @Singleton
    @Startup
    HelmSourceCache helmSources(KubernetesClient client) {
        HelmSourceCache cache = new HelmSourceCache(client);
        cache.start();
        return cache;
    }

    void closeHelmSources(@Disposes HelmSourceCache cache) {
        cache.close();
    }

    @Produces
    @Singleton
    HelmChartGate helmCharts(OciSourceGate gate, HelmSourceCache helmSources) {
        return new HelmChartGate(gate, helmSources);
    }

    @Produces
    @Singleton
    @WebhookPath(WebhookPaths.VALIDATE_HELMCHART)
    AdmissionHandler helmChartAdmission(HelmChartGate gate, GateConfig config) {
        return new HelmChartAdmission(gate, config.reviewBudget());
    }

    @Produces
    @Singleton
    @WebhookPath(WebhookPaths.VALIDATE_HELMREPOSITORY)
    AdmissionHandler helmRepositoryAdmission(HelmChartGate gate, GateConfig config) {
        return new HelmRepositoryAdmission(gate, config.reviewBudget());
    }

    @Produces
    @Singleton
    @WebhookPath(WebhookPaths.VALIDATE_POLICY)
    AdmissionHandler policyDocuments(PolicyInformer policies) {
        return new PolicyAdmission(() -> policies.tenancyPolicies().stream().map(p -> p.getMetadata().getName()).toList());
    }

    @Produces
    @Singleton
    @WebhookPath(WebhookPaths.VALIDATE_TENANCY)
    AdmissionHandler tenancyValidation(PolicyInformer policies, NamespaceLabelCache namespaces) {
        return new TenancyAdmissionHandler(policies, namespaces, false);
    }

    @Produces
    @Singleton
    @WebhookPath(WebhookPaths.MUTATE_TENANCY)
    AdmissionHandler tenancyDefaults(PolicyInformer policies, NamespaceLabelCache namespaces) {
        return new TenancyAdmissionHandler(policies, namespaces, true);
    }
}
