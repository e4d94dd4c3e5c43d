package io.fleetwarden.kube.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

/** A refused certificate call names the missing grant; anything else passes through unchanged. */
class ForbiddenTest {

    @Test
    void a403NamesTheGrantAndKeepsTheServersWords() {
        KubernetesClientException refused = new KubernetesClientException(new StatusBuilder().withCode(403)
                .withMessage("secrets \"fleetwarden-webhook-ca\" is forbidden").build());

        assertThatThrownBy(() -> Forbidden.explain("read Secret flux-system/fleetwarden-webhook-ca", Forbidden.SECRETS_GRANT,
                () -> {
                    throw refused;
                })).isInstanceOf(IllegalStateException.class).hasCause(refused)
                .hasMessage("forbidden to read Secret flux-system/fleetwarden-webhook-ca: self-managed certificates need the "
                        + Forbidden.SECRETS_GRANT + " (deploy/base/rbac-certificates.yaml); the API server said: "
                        + "secrets \"fleetwarden-webhook-ca\" is forbidden");
    }

    @Test
    void otherFailuresAndResultsPassThrough() {
        KubernetesClientException conflict = new KubernetesClientException("conflict", 409, null);
        assertThatThrownBy(() -> Forbidden.explain("x", Forbidden.WEBHOOKS_GRANT, () -> {
            throw conflict;
        })).isSameAs(conflict);
        assertThat(Forbidden.explain("x", Forbidden.WEBHOOKS_GRANT, () -> "ok")).isEqualTo("ok");
    }
}
