package io.fleetwarden.reconcile.kustomize;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code postBuild} variables as kustomize-controller gathers them: each {@code substituteFrom} in order (a later
 * one overwrites an earlier one), then the inline {@code substitute}, which wins. ConfigMaps and Secrets are read
 * from the Kustomization's own namespace; a missing one fails the reconcile unless marked optional.
 */
final class Variables {

    private Variables() {
    }

    static Map<String, String> of(KubernetesClient client, String namespace, KustomizationSpec spec) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (KustomizationSpec.SubstituteFrom from : spec.substituteFrom()) {
            if ("ConfigMap".equals(from.kind())) {
                ConfigMap cm = client.configMaps().inNamespace(namespace).withName(from.name()).get();
                if (cm == null) {
                    missing(from, namespace);
                } else if (cm.getData() != null) {
                    vars.putAll(cm.getData());
                }
            } else if ("Secret".equals(from.kind())) {
                Secret secret = client.secrets().inNamespace(namespace).withName(from.name()).get();
                if (secret == null) {
                    missing(from, namespace);
                } else {
                    if (secret.getData() != null) {
                        secret.getData().forEach((k, v) -> vars.put(k, new String(Base64.getDecoder().decode(v),
                                StandardCharsets.UTF_8)));
                    }
                    if (secret.getStringData() != null) {
                        vars.putAll(secret.getStringData());
                    }
                }
            } else {
                throw new IllegalArgumentException("spec.postBuild.substituteFrom: kind must be ConfigMap or Secret, got '"
                        + from.kind() + "'");
            }
        }
        vars.putAll(spec.substitute());
        return vars;
    }

    private static void missing(KustomizationSpec.SubstituteFrom from, String namespace) {
        if (!from.optional()) {
            // Never log or echo values: only the name of what is missing.
            throw new IllegalStateException("substitute from '" + from.kind() + "/" + namespace + "/" + from.name()
                    + "' failed: not found");
        }
    }
}
