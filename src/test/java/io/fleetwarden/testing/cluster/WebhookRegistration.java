package io.fleetwarden.testing.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The webhook configurations of {@code deploy/} registered against a control plane whose API server reaches
 * the service on loopback: every {@code clientConfig.service} becomes {@code url:
 * https://127.0.0.1:<port><path>} (there is no cluster DNS or Service routing here, as envtest does it) and
 * {@code caBundle} is set. Everything else (rules, selectors, matchConditions, failurePolicy, timeouts) is
 * registered exactly as shipped.
 */
public final class WebhookRegistration {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookRegistration() {
    }

    /** Rewrites one shipped webhook configuration (validating or mutating) for {@code port}. */
    public static GenericKubernetesResource forLoopback(GenericKubernetesResource shipped, int port, String caPem) {
        ObjectNode tree = JSON.valueToTree(shipped);
        String caBundle = caPem == null ? null
                : Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
        for (JsonNode webhook : tree.path("webhooks")) {
            ObjectNode clientConfig = (ObjectNode) webhook.path("clientConfig");
            JsonNode service = clientConfig.remove("service");
            if (service != null) {
                clientConfig.put("url", "https://127.0.0.1:" + port + service.path("path").asText("/"));
            }
            if (caBundle != null) {
                clientConfig.put("caBundle", caBundle);
            } else {
                clientConfig.remove("caBundle");
            }
        }
        ((ObjectNode) tree.path("metadata")).remove(List.of("resourceVersion", "uid", "creationTimestamp",
                "managedFields", "generation"));
        return JSON.convertValue(tree, GenericKubernetesResource.class);
    }

    /** Applies {@code configurations} (server-side, as the test's field manager). */
    public static void apply(KubernetesClient client, List<GenericKubernetesResource> configurations) {
        for (GenericKubernetesResource configuration : configurations) {
            client.resource(configuration).fieldManager("fleetwarden-tests").forceConflicts().serverSideApply();
        }
    }

    /**
     * Waits until the API server calls the policy webhook: configurations take effect after a propagation
     * delay, so a dry-run create of a policy that passes the CRD's schema but not our compiler (an invalid
     * regular expression) is retried until our denial comes back.
     */
    public static void awaitEnforced(KubernetesClient client) {
        GenericKubernetesResource probe = Serialization.unmarshal("""
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: fleetwarden-webhook-probe}
                spec:
                  sources: ["oci://probe.invalid/*"]
                  authorities:
                    - keyless: {issuer: https://probe.invalid, subjectRegExp: "("}
                """, GenericKubernetesResource.class);
        java.time.Instant end = java.time.Instant.now().plusSeconds(30);
        String last = "no answer";
        while (java.time.Instant.now().isBefore(end)) {
            try {
                client.resource(probe).dryRun().create();
                last = "the probe policy was admitted";
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getMessage().contains("admission webhook \"policy.fleetwarden.io\" denied")) {
                    return;
                }
                last = e.getMessage();
            }
            try {
                Thread.sleep(100); // the API server gives no signal when a configuration is in force
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("the API server did not call fleetwarden's policy webhook within 30 s: " + last);
    }
}
