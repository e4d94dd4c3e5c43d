package io.fleetwarden.kube.certs;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.function.Supplier;

/**
 * A 403 from the API server turned into what to fix: the grant of deploy/base/rbac-certificates.yaml that
 * the call needs. A certificate pass that is refused fails as a whole (nothing after the refused step is
 * written, so no replica serves a certificate the API server was not told to trust); this only names why, in
 * the bootstrap's exit message or the leader's log.
 */
final class Forbidden {

    static final String SECRETS_GRANT = "Role fleetwarden-certificates (get/update on Secrets fleetwarden-webhook-tls"
            + " and fleetwarden-webhook-ca, create Secrets) bound to the fleetwarden ServiceAccount";
    static final String WEBHOOKS_GRANT = "ClusterRole fleetwarden-webhook-configurations (get/patch on the"
            + " webhook configurations) bound to the fleetwarden ServiceAccount";

    private Forbidden() {
    }

    /** Runs {@code call}; a 403 becomes an {@link IllegalStateException} saying which grant is missing. */
    static <T> T explain(String what, String grant, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
                throw new IllegalStateException("forbidden to " + what + ": self-managed certificates need the " + grant
                        + " (deploy/base/rbac-certificates.yaml); the API server said: "
                        + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()), e);
            }
            throw e;
        }
    }
}
