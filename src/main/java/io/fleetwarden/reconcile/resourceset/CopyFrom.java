package io.fleetwarden.reconcile.resourceset;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fleetwarden.apply.Impersonation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code fluxcd.controlplane.io/copyFrom: <namespace>/<name>} on a v1 ConfigMap or Secret: its data comes from that
 * object, read with the ResourceSet's client (its service account), so the tenancy rules and RBAC bound what a
 * tenant can copy. ConfigMaps get {@code data} and {@code binaryData}; Secrets get the data and, when the template
 * names none, the type.
 *
 * <p>Flux Operator writes a Secret's data as {@code stringData}; fleetwarden writes the same bytes as {@code data}
 * (base64, as read): the API server stores the same Secret, binary values survive, and the live object can be
 * compared with what we apply (the server never returns {@code stringData}, so that would look changed on every
 * pass). Values are never logged or put in a message.
 */
final class CopyFrom {

    private CopyFrom() {
    }

    /** A copy that cannot be made; the message names the object, the annotation and the source, never a value. */
    static final class CopyFailed extends Exception {
        CopyFailed(String message) {
            super(message);
        }
    }

    static void apply(List<Map<String, Object>> objects, KubernetesClient asTenant, Impersonation as)
            throws CopyFailed {
        for (Map<String, Object> o : objects) {
            Map<String, Object> meta = map(o.get("metadata"));
            Object source = map(meta.get("annotations")).get(ResourceSetSpec.COPY_FROM);
            if (!"v1".equals(o.get("apiVersion")) || !(source instanceof String from)) {
                continue;
            }
            String[] parts = from.split("/", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new CopyFailed(o.get("kind") + "/" + meta.get("name") + ": invalid " + ResourceSetSpec.COPY_FROM + " annotation value '" + from
                        + "' must be in the format 'namespace/name'");
            }
            String kind = String.valueOf(o.get("kind"));
            String target = kind + "/" + (meta.get("namespace") == null ? "" : meta.get("namespace") + "/")
                    + meta.get("name") + ": ";
            try {
                if ("ConfigMap".equals(kind)) {
                    ConfigMap cm = asTenant.configMaps().inNamespace(parts[0]).withName(parts[1]).get();
                    if (cm == null) {
                        throw new CopyFailed(target + notFound("ConfigMap", from, as));
                    }
                    o.put("data", new TreeMap<>(cm.getData() == null ? Map.of() : cm.getData()));
                    if (cm.getBinaryData() != null && !cm.getBinaryData().isEmpty()) {
                        o.put("binaryData", new TreeMap<>(cm.getBinaryData()));
                    }
                } else if ("Secret".equals(kind)) {
                    Secret s = asTenant.secrets().inNamespace(parts[0]).withName(parts[1]).get();
                    if (s == null) {
                        throw new CopyFailed(target + notFound("Secret", from, as));
                    }
                    if (!o.containsKey("type")) {
                        o.put("type", s.getType() == null || s.getType().isEmpty() ? "Opaque" : s.getType());
                    }
                    // Template data first, the copied keys over it: what stringData over data gives in Flux Operator.
                    Map<String, Object> data = new LinkedHashMap<>(map(o.get("data")));
                    data.putAll(s.getData() == null ? Map.of() : s.getData());
                    o.put("data", new TreeMap<>(data));
                }
            } catch (KubernetesClientException e) {
                throw new CopyFailed(target + "failed to copy data from " + kind + "/" + from + " as " + as.describe() + " ("
                        + e.getCode() + "): " + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()));
            }
        }
    }

    private static String notFound(String kind, String from, Impersonation as) {
        return "failed to copy data from " + kind + "/" + from + " as " + as.describe() + ": " + kind + " not found";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
