package io.fleetwarden.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * After the first stage: CRDs must be Established and served by discovery, Namespaces Active, before objects of
 * those kinds or in those namespaces are applied. Read with the service's identity (a tenant seldom may read
 * CRDs), only these objects, and never past the deadline.
 */
final class DefinitionWait {

    private static final ResourceDefinitionContext CRDS = new ResourceDefinitionContext.Builder()
            .withGroup("apiextensions.k8s.io").withVersion("v1").withKind("CustomResourceDefinition")
            .withPlural("customresourcedefinitions").withNamespaced(false).build();
    private static final ResourceDefinitionContext NAMESPACES = new ResourceDefinitionContext.Builder()
            .withGroup("").withVersion("v1").withKind("Namespace").withPlural("namespaces").withNamespaced(false)
            .build();
    /** Discovery has no watch: after Established we ask again with this pause, within the deadline. */
    private static final Duration DISCOVERY_RETRY = Duration.ofMillis(100);

    private static final com.fasterxml.jackson.databind.ObjectMapper STATUS_READER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final KubernetesClient service;
    private final ResourceMapping mapping;

    DefinitionWait(KubernetesClient service, ResourceMapping mapping) {
        this.service = service;
        this.mapping = mapping;
    }

    List<ApplyResult.Failure> awaitReady(List<ApplyResult.Applied> applied, Instant deadline) {
        List<ApplyResult.Failure> failures = new ArrayList<>();
        for (ApplyResult.Applied each : applied) {
            ObjectRef ref = each.ref();
            try {
                if (ref.kind().equals("CustomResourceDefinition")) {
                    awaitCondition(CRDS, ref, "Established", deadline);
                    awaitDiscovery(each.live(), deadline);
                } else if (ref.kind().equals("Namespace")) {
                    awaitNamespace(ref, deadline);
                }
            } catch (KubernetesClientTimeoutException | Late e) {
                failures.add(new ApplyResult.Failure(ref, ref + ": not ready before the reconcile deadline ("
                        + e.getMessage() + "); objects that need it were not applied"));
            } catch (KubernetesClientException e) {
                failures.add(new ApplyResult.Failure(ref, ref + ": cannot tell whether it is ready: "
                        + ApiErrors.serverWords(e)));
            }
        }
        return failures;
    }

    private void awaitCondition(ResourceDefinitionContext context, ObjectRef ref, String type, Instant deadline) {
        service.genericKubernetesResources(context).withName(ref.name())
                .waitUntilCondition(r -> r != null && conditionTrue(r, type), left(deadline, ref + " " + type),
                        TimeUnit.MILLISECONDS);
    }

    private void awaitNamespace(ObjectRef ref, Instant deadline) {
        service.genericKubernetesResources(NAMESPACES).withName(ref.name())
                .waitUntilCondition(r -> r != null && "Active".equals(status(r).path("phase").asText()),
                        left(deadline, ref + " Active"), TimeUnit.MILLISECONDS);
    }

    /** The kind a CRD defines must be in discovery before stage two looks it up. */
    private void awaitDiscovery(JsonNode crd, Instant deadline) {
        String group = crd.path("spec").path("group").asText();
        String kind = crd.path("spec").path("names").path("kind").asText();
        for (JsonNode version : crd.path("spec").path("versions")) {
            if (!version.path("served").asBoolean(false)) {
                continue;
            }
            String apiVersion = group + "/" + version.path("name").asText();
            while (true) {
                try {
                    mapping.lookup(apiVersion, kind);
                    break;
                } catch (ResourceMapping.UnknownKind e) {
                    left(deadline, kind + " in discovery");
                    try {
                        Thread.sleep(DISCOVERY_RETRY.toMillis());
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw new Late("interrupted while waiting for " + kind + " in discovery");
                    }
                }
            }
        }
    }

    private static boolean conditionTrue(GenericKubernetesResource resource, String type) {
        for (JsonNode condition : status(resource).path("conditions")) {
            if (type.equals(condition.path("type").asText()) && "True".equals(condition.path("status").asText())) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode status(GenericKubernetesResource resource) {
        Object status = resource.getAdditionalProperties().get("status");
        return STATUS_READER.valueToTree(status);
    }

    private static long left(Instant deadline, String what) {
        long millis = Duration.between(Instant.now(), deadline).toMillis();
        if (millis <= 0) {
            throw new Late("waiting for " + what);
        }
        return millis;
    }

    private static final class Late extends RuntimeException {
        Late(String message) {
            super(message);
        }
    }
}
