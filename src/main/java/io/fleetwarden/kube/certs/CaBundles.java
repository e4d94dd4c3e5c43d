package io.fleetwarden.kube.certs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Keeps {@code clientConfig.caBundle} of every webhook in the named configurations equal to the CA bundle.
 * Only that field is written, with a JSON Patch that first tests the webhook's name at its index (the list
 * cannot have moved under us). The configurations come from GitOps and should not carry {@code caBundle}
 * at all: the field is then only ever written here, and Flux's server-side apply leaves it alone.
 * A configuration that does not exist yet is skipped (the next pass patches it).
 */
final class CaBundles {

    private static final Logger LOG = Logger.getLogger(CaBundles.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Webhook(String name, WebhookClientConfig clientConfig) {
    }

    private final KubernetesClient client;
    private final CertificateSettings settings;

    CaBundles(KubernetesClient client, CertificateSettings settings) {
        this.client = client;
        this.settings = settings;
    }

    static String encode(List<X509Certificate> bundle) {
        return Base64.getEncoder().encodeToString(Pem.certificates(bundle));
    }

    /** Whether every existing webhook already trusts {@code ca} (so it may start signing). */
    boolean allTrust(X509Certificate ca) {
        for (List<Webhook> webhooks : allWebhooks().values()) {
            for (Webhook webhook : webhooks) {
                if (!trusts(webhook.clientConfig().getCaBundle(), ca)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Patches every webhook whose {@code caBundle} differs; returns how many were patched. */
    int apply(List<X509Certificate> bundle) {
        String value = encode(bundle);
        int patched = 0;
        for (var entry : allWebhooks().entrySet()) {
            ArrayNode patch = JSON.createArrayNode();
            List<Webhook> webhooks = entry.getValue();
            for (int i = 0; i < webhooks.size(); i++) {
                if (!value.equals(webhooks.get(i).clientConfig().getCaBundle())) {
                    patch.addObject().put("op", "test").put("path", "/webhooks/" + i + "/name").put("value", webhooks.get(i).name());
                    patch.addObject().put("op", "add").put("path", "/webhooks/" + i + "/clientConfig/caBundle").put("value", value);
                    patched++;
                }
            }
            if (!patch.isEmpty()) {
                Named target = entry.getKey();
                Forbidden.explain("patch caBundle of " + target, Forbidden.WEBHOOKS_GRANT, () -> {
                    target.patch(patch.toString());
                    return null;
                });
                LOG.infof("caBundle set on %d webhook(s) of %s (%d CA(s))", patch.size() / 2, entry.getKey(), bundle.size());
            }
        }
        return patched;
    }

    private Map<Named, List<Webhook>> allWebhooks() {
        Map<Named, List<Webhook>> out = new LinkedHashMap<>();
        var validating = client.admissionRegistration().v1().validatingWebhookConfigurations();
        for (String name : settings.validatingConfigurations()) {
            var configuration = Forbidden.explain("read ValidatingWebhookConfiguration " + name, Forbidden.WEBHOOKS_GRANT,
                    () -> validating.withName(name).get());
            if (configuration != null) {
                List<Webhook> webhooks = new ArrayList<>();
                configuration.getWebhooks().forEach(w -> webhooks.add(new Webhook(w.getName(), w.getClientConfig())));
                out.put(new Named("ValidatingWebhookConfiguration " + name,
                        p -> validating.withName(name).patch(PatchContext.of(PatchType.JSON), p)), webhooks);
            }
        }
        var mutating = client.admissionRegistration().v1().mutatingWebhookConfigurations();
        for (String name : settings.mutatingConfigurations()) {
            var configuration = Forbidden.explain("read MutatingWebhookConfiguration " + name, Forbidden.WEBHOOKS_GRANT,
                    () -> mutating.withName(name).get());
            if (configuration != null) {
                List<Webhook> webhooks = new ArrayList<>();
                configuration.getWebhooks().forEach(w -> webhooks.add(new Webhook(w.getName(), w.getClientConfig())));
                out.put(new Named("MutatingWebhookConfiguration " + name,
                        p -> mutating.withName(name).patch(PatchContext.of(PatchType.JSON), p)), webhooks);
            }
        }
        return out;
    }

    /** A configuration that can be JSON-patched; its webhooks are the map's value, in order. */
    private record Named(String description, Consumer<String> patcher) {

        void patch(String jsonPatch) {
            patcher.accept(jsonPatch);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private static boolean trusts(String caBundle, X509Certificate ca) {
        if (caBundle == null || caBundle.isEmpty()) {
            return false;
        }
        try {
            return Pem.parseCertificates(Base64.getDecoder().decode(caBundle), "caBundle").contains(ca);
        } catch (IllegalArgumentException | Pem.InvalidPemException e) {
            return false;
        }
    }
}
