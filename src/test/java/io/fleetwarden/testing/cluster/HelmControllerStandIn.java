package io.fleetwarden.testing.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for helm-controller, the one Flux controller engine mode does not replace (HelmReleases are delivered
 * as objects; their charts are not installed): every HelmRelease is reported Ready at its generation, as
 * helm-controller reports a successful install, and the CRDs D2's infrastructure charts would install
 * (cert-manager's ClusterIssuer, Prometheus Operator's PodMonitor and ServiceMonitor) exist, schema-less. With it a
 * fleet's health checks and dependencies behave as on a cluster where the charts installed; nothing else is faked.
 */
public final class HelmControllerStandIn implements AutoCloseable {

    private static final List<String[]> CHART_CRDS = List.of(
            new String[] {"cert-manager.io", "ClusterIssuer", "clusterissuers", "Cluster"},
            new String[] {"monitoring.coreos.com", "PodMonitor", "podmonitors", "Namespaced"},
            new String[] {"monitoring.coreos.com", "ServiceMonitor", "servicemonitors", "Namespaced"});

    private final KubernetesClient client;
    private final SharedIndexInformer<GenericKubernetesResource> informer;

    public HelmControllerStandIn(KubernetesClient client) {
        this.client = client;
        for (String[] crd : CHART_CRDS) {
            install(crd[0], crd[1], crd[2], crd[3]);
        }
        this.informer = client.genericKubernetesResources("helm.toolkit.fluxcd.io/v2", "HelmRelease").inAnyNamespace()
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource obj) {
                        ready(obj);
                    }

                    @Override
                    public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource now) {
                        ready(now);
                    }

                    @Override
                    public void onDelete(GenericKubernetesResource obj, boolean unknown) {
                    }
                });
    }

    private void ready(GenericKubernetesResource release) {
        long generation = release.getMetadata().getGeneration() == null ? 0 : release.getMetadata().getGeneration();
        Object status = release.getAdditionalProperties().get("status");
        if (status instanceof Map<?, ?> s && Long.valueOf(generation).equals(asLong(s.get("observedGeneration")))) {
            return;
        }
        String patch = Serialization.asJson(Map.of("status", Map.of("observedGeneration", generation, "conditions",
                List.of(Map.of("type", "Ready", "status", "True", "reason", "InstallSucceeded", "message",
                        "Helm install succeeded (helm-controller stand-in)", "observedGeneration", generation,
                        "lastTransitionTime", Instant.now().toString().replaceAll("\\.\\d+Z$", "Z"))))));
        client.genericKubernetesResources("helm.toolkit.fluxcd.io/v2", "HelmRelease")
                .inNamespace(release.getMetadata().getNamespace()).withName(release.getMetadata().getName())
                .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }

    private static Long asLong(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }

    private void install(String group, String kind, String plural, String scope) {
        String yaml = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: %3$s.%1$s}
                spec:
                  group: %1$s
                  scope: %4$s
                  names: {kind: %2$s, plural: %3$s, singular: %5$s, listKind: %2$sList}
                  versions:
                    - name: v1
                      served: true
                      storage: true
                      schema:
                        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
                """.formatted(group, kind, plural, scope, kind.toLowerCase(java.util.Locale.ROOT));
        CustomResourceDefinition crd = Serialization.unmarshal(yaml, CustomResourceDefinition.class);
        client.resource(crd).fieldManager("helm-controller-stand-in").forceConflicts().serverSideApply();
        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                .waitUntilCondition(CustomResourceDefinitions::established, 60, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        informer.close();
    }
}
