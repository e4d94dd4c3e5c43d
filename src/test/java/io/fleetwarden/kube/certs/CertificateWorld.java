package io.fleetwarden.kube.certs;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

/**
 * The cluster side of the certificate tests: the two webhook configurations as GitOps applies them (one
 * webhook without {@code caBundle}, the others with an empty placeholder), and readers for what
 * {@link WebhookCertificates} wrote.
 */
public record CertificateWorld(KubernetesClient client, CertificateSettings settings) {

    public static final List<String> VALIDATING_WEBHOOKS = List.of("ocirepositories.fleetwarden.io", "policies.fleetwarden.io");
    public static final List<String> MUTATING_WEBHOOKS = List.of("tenancy-defaults.fleetwarden.io");

    public static CertificateSettings settings(String namespace, List<String> dnsNames, String suffix) {
        return settings(namespace, dnsNames, List.of(), suffix);
    }

    public static CertificateSettings settings(String namespace, List<String> dnsNames, List<String> ipAddresses,
            String suffix) {
        return new CertificateSettings(namespace, "fleetwarden-webhook-tls", "fleetwarden-webhook-ca", dnsNames, ipAddresses,
                List.of("fleetwarden" + suffix), List.of("fleetwarden-defaults" + suffix), Duration.ofDays(365),
                Duration.ofDays(90), Duration.ofHours(1));
    }

    public CertificateWorld applyWebhookConfigurations() {
        var validating = new ValidatingWebhookConfigurationBuilder().withNewMetadata()
                .withName(settings.validatingConfigurations().get(0)).endMetadata();
        for (int i = 0; i < VALIDATING_WEBHOOKS.size(); i++) {
            String caBundle = i == 0 ? null : "";
            validating.addNewWebhook().withName(VALIDATING_WEBHOOKS.get(i)).withAdmissionReviewVersions("v1")
                    .withSideEffects("None").withFailurePolicy("Fail").withNewClientConfig().withCaBundle(caBundle)
                    .withNewService().withNamespace(settings.namespace()).withName("fleetwarden").withPath("/validate-" + i)
                    .endService().endClientConfig().endWebhook();
        }
        client.resource(validating.build()).create();
        var mutating = new MutatingWebhookConfigurationBuilder().withNewMetadata()
                .withName(settings.mutatingConfigurations().get(0)).endMetadata();
        MUTATING_WEBHOOKS.forEach(name -> mutating.addNewWebhook().withName(name).withAdmissionReviewVersions("v1")
                .withSideEffects("None").withFailurePolicy("Fail").withNewClientConfig().withCaBundle("").withNewService()
                .withNamespace(settings.namespace()).withName("fleetwarden").withPath("/mutate").endService().endClientConfig()
                .endWebhook());
        client.resource(mutating.build()).create();
        return this;
    }

    public Secret servingSecret() {
        return client.secrets().inNamespace(settings.namespace()).withName(settings.secretName()).get();
    }

    public Secret caSecret() {
        return client.secrets().inNamespace(settings.namespace()).withName(settings.caSecretName()).get();
    }

    public CertificateAuthority.Issued serving() {
        return SecretCodec.readServing(servingSecret(), failOn());
    }

    public CaState ca() {
        return SecretCodec.readCa(caSecret(), failOn());
    }

    /** Every webhook's caBundle, decoded, validating ones first. */
    public List<List<X509Certificate>> caBundles() {
        List<String> encoded = new ArrayList<>();
        client.admissionRegistration().v1().validatingWebhookConfigurations().withName(settings.validatingConfigurations().get(0))
                .get().getWebhooks().forEach(w -> encoded.add(w.getClientConfig().getCaBundle()));
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(settings.mutatingConfigurations().get(0))
                .get().getWebhooks().forEach(w -> encoded.add(w.getClientConfig().getCaBundle()));
        List<List<X509Certificate>> out = new ArrayList<>();
        for (String bundle : encoded) {
            try {
                out.add(bundle == null || bundle.isEmpty() ? List.of()
                        : Pem.parseCertificates(Base64.getDecoder().decode(bundle), "caBundle"));
            } catch (Pem.InvalidPemException e) {
                throw new AssertionError(e.getMessage(), e);
            }
        }
        return out;
    }

    /** resourceVersions of both Secrets and both configurations: unchanged means nothing was written. */
    public List<String> resourceVersions() {
        return List.of(servingSecret().getMetadata().getResourceVersion(), caSecret().getMetadata().getResourceVersion(),
                client.admissionRegistration().v1().validatingWebhookConfigurations()
                        .withName(settings.validatingConfigurations().get(0)).get().getMetadata().getResourceVersion(),
                client.admissionRegistration().v1().mutatingWebhookConfigurations()
                        .withName(settings.mutatingConfigurations().get(0)).get().getMetadata().getResourceVersion());
    }

    private static Consumer<String> failOn() {
        return problem -> {
            throw new AssertionError("unexpected Secret problem: " + problem);
        };
    }
}
