package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.apply.DryRun;
import io.fleetwarden.apply.ObjectRef;
import io.fleetwarden.golang.GoBase64;
import io.fleetwarden.render.RenderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * SOPS-encrypted Secrets in the offline commands, as the flux CLI v2.9 treats them in {@code flux build
 * kustomization} and {@code flux diff kustomization}: never decrypted (the CLI has no keys), and never printed or
 * dry-run still encrypted. A Secret that is a SOPS document loses its {@code sops} field and every value becomes
 * {@code **SOPS**} (a dockerconfigjson Secret's, {@code {"mask":"**SOPS**"}}); in another Secret, each entry that holds
 * an encrypted file does. A masked Secret is then compared with the cluster by its keys only.
 */
final class SopsMask {

    static final String MASK = "**SOPS**";
    private static final String MASK_BASE64 = Base64.getEncoder().encodeToString(MASK.getBytes(StandardCharsets.UTF_8));
    private static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
    private static final String JSON_MASK = "{\"mask\":\"" + MASK + "\"}";

    private SopsMask() {
    }

    /** The objects with their SOPS-encrypted Secret values masked; others unchanged. */
    static List<ObjectNode> mask(List<ObjectNode> objects) {
        List<ObjectNode> out = new ArrayList<>(objects.size());
        for (ObjectNode o : objects) {
            out.add("Secret".equals(o.path("kind").asText()) ? maskSecret(o) : o);
        }
        return out;
    }

    private static ObjectNode maskSecret(ObjectNode secret) {
        ObjectNode copy = secret.deepCopy();
        JsonNode sops = copy.get("sops");
        if (sops != null && sops.path("mac").asText("").startsWith("ENC[")) {
            // A SOPS document: all of data and stringData is taken as encrypted, as flux does.
            copy.remove("sops");
            boolean dockerConfig = DOCKER_CONFIG_JSON.equals(copy.path("type").asText("Opaque"));
            replaceAll(copy, "data", dockerConfig
                    ? Base64.getEncoder().encodeToString(JSON_MASK.getBytes(StandardCharsets.UTF_8)) : MASK_BASE64);
            replaceAll(copy, "stringData", dockerConfig ? JSON_MASK : MASK);
            return copy;
        }
        if (copy.path("data").isObject()) {
            ObjectNode data = (ObjectNode) copy.get("data");
            for (Map.Entry<String, JsonNode> e : entries(data)) {
                byte[] decoded;
                try {
                    decoded = GoBase64.decodeStd(e.getValue().asText());
                } catch (IllegalArgumentException ex) {
                    // As flux: a value that is not base64 fails the build rather than being printed as it is.
                    throw new RenderException(null, null, "failed to mask Secret " + copy.path("metadata")
                            .path("name").asText() + " sops data: data." + e.getKey() + " is not base64");
                }
                if (encrypted(new String(decoded, StandardCharsets.ISO_8859_1))) {
                    data.put(e.getKey(), MASK_BASE64);
                }
            }
        }
        if (copy.path("stringData").isObject()) {
            ObjectNode stringData = (ObjectNode) copy.get("stringData");
            for (Map.Entry<String, JsonNode> e : entries(stringData)) {
                if (encrypted(e.getValue().asText())) {
                    // flux writes the base64 form here too
                    stringData.put(e.getKey(), MASK_BASE64);
                }
            }
        }
        return copy;
    }

    /** flux's test for an entry that holds a SOPS-encrypted file. */
    private static boolean encrypted(String content) {
        return content.contains("sops") && content.contains("ENC[");
    }

    private static void replaceAll(ObjectNode secret, String field, String value) {
        if (secret.path(field).isObject()) {
            ObjectNode map = (ObjectNode) secret.get(field);
            for (Map.Entry<String, JsonNode> e : entries(map)) {
                map.put(e.getKey(), value);
            }
        }
    }

    private static List<Map.Entry<String, JsonNode>> entries(ObjectNode node) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        node.fields().forEachRemaining(out::add);
        return out;
    }

    /**
     * The dry run's changes with each drifted Secret that was built masked judged by its keys only, as flux does: the
     * same {@code data} keys live and after the apply is unchanged, since the masked values say nothing.
     */
    static List<DryRun.Change> compareByKeys(List<ObjectNode> built, List<DryRun.Change> changes) {
        Map<ObjectRef, ObjectNode> byRef = new HashMap<>();
        for (ObjectNode o : built) {
            byRef.put(ObjectRef.of(o), o);
        }
        List<DryRun.Change> out = new ArrayList<>(changes.size());
        for (DryRun.Change c : changes) {
            if (c instanceof DryRun.Drifted d && masked(byRef.get(d.ref()))
                    && keys(d.live()).equals(keys(d.after()))) {
                out.add(new DryRun.Unchanged(d.ref()));
            } else {
                out.add(c);
            }
        }
        return out;
    }

    private static boolean masked(ObjectNode secret) {
        if (secret == null || !"Secret".equals(secret.path("kind").asText())) {
            return false;
        }
        for (JsonNode v : secret.path("data")) {
            try {
                if (new String(GoBase64.decodeStd(v.asText()), StandardCharsets.UTF_8).contains(MASK)) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // not base64: not masked
            }
        }
        return false;
    }

    private static Set<String> keys(ObjectNode secret) {
        Set<String> keys = new TreeSet<>();
        secret.path("data").fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
