package io.fleetwarden.kube.certs;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Self-managed webhook certificates: keeps the CA Secret, the {@code caBundle} of every webhook and the
 * serving Secret current, in that order, so a replica never serves a certificate the API server does not
 * trust yet. Runs on the leader at start and then periodically; a pass that finds everything good writes
 * nothing. Every write is conditional: a create fails with 409 if another replica created first, an update
 * carries the resourceVersion that was read. On 409 the pass starts over from a fresh read, so two replicas
 * racing (two pods starting together before either leads) converge on one CA instead of overwriting each
 * other. Replicas never receive certificates from this class: the kubelet projects the serving Secret into
 * every pod and {@code ServingTls} reloads the files.
 */
public final class WebhookCertificates {

    /** What a pass wrote. */
    public record Outcome(boolean caWritten, boolean servingWritten, int webhooksPatched, List<String> reasons) {

        public boolean wroteNothing() {
            return !caWritten && !servingWritten && webhooksPatched == 0;
        }
    }

    private static final Logger LOG = Logger.getLogger(WebhookCertificates.class);
    private static final int ATTEMPTS = 3;

    private final KubernetesClient client;
    private final CertificateSettings settings;
    private final Clock clock;
    private final CaBundles caBundles;
    private Runnable beforeWrite = () -> { };

    public WebhookCertificates(KubernetesClient client, CertificateSettings settings, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
        this.caBundles = new CaBundles(client, settings);
    }

    /** Test seam: runs between the read and the first write of a pass, where another replica may write. */
    void beforeWrite(Runnable hook) {
        this.beforeWrite = hook;
    }

    public synchronized Outcome reconcile() {
        for (int attempt = 1; ; attempt++) {
            try {
                return pass();
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
                    throw e;
                }
                LOG.infof("certificate Secrets changed while writing (409), reading them again: %s", e.getMessage());
            }
        }
    }

    private Outcome pass() {
        List<String> problems = new ArrayList<>();
        Secret caSecret = secret(settings.caSecretName());
        Secret servingSecret = secret(settings.secretName());
        CaState stored = SecretCodec.readCa(caSecret, problems::add);
        CertificateAuthority.Issued serving = SecretCodec.readServing(servingSecret, problems::add);
        boolean nextTrusted = stored != null && stored.next() != null && caBundles.allTrust(stored.next().certificate());
        RotationPlan plan = RotationPlan.decide(stored, serving, SecretCodec.readServingIssuer(servingSecret), nextTrusted,
                clock.instant(), settings);
        problems.forEach(p -> LOG.warnf("certificate Secret content replaced: %s", p));
        beforeWrite.run();
        if (plan.caChanged()) {
            write(caSecret, SecretCodec.caSecret(settings.namespace(), settings.caSecretName(), plan.ca()));
        }
        int patched = caBundles.apply(plan.ca().bundle());
        if (plan.servingChanged()) {
            write(servingSecret, SecretCodec.servingSecret(settings.namespace(), settings.secretName(), plan.serving(),
                    plan.ca().current().certificate()));
            LOG.infof("serving certificate issued serial=%s notAfter=%s",
                    plan.serving().certificate().getSerialNumber().toString(16), plan.serving().certificate().getNotAfter().toInstant());
        }
        if (!plan.reasons().isEmpty()) {
            LOG.infof("webhook certificates updated: %s", String.join("; ", plan.reasons()));
        }
        return new Outcome(plan.caChanged(), plan.servingChanged(), patched, plan.reasons());
    }

    private Secret secret(String name) {
        return Forbidden.explain("read Secret " + settings.namespace() + "/" + name, Forbidden.SECRETS_GRANT,
                () -> client.secrets().inNamespace(settings.namespace()).withName(name).get());
    }

    /** Create when it was absent (409 if someone else did), else update at the version read (409 if changed). */
    private void write(Secret read, Secret desired) {
        var secrets = client.secrets().inNamespace(settings.namespace());
        String what = (read == null ? "create" : "update") + " Secret " + settings.namespace() + "/"
                + desired.getMetadata().getName();
        if (read == null) {
            Forbidden.explain(what, Forbidden.SECRETS_GRANT, () -> secrets.resource(desired).create());
            return;
        }
        desired.getMetadata().setResourceVersion(read.getMetadata().getResourceVersion());
        // A Secret's type is immutable; keep whatever the existing one has.
        desired.setType(read.getType());
        desired.getMetadata().setLabels(merged(read.getMetadata().getLabels(), desired.getMetadata().getLabels()));
        Forbidden.explain(what, Forbidden.SECRETS_GRANT, () -> secrets.resource(desired).update());
    }

    private static Map<String, String> merged(Map<String, String> existing, Map<String, String> ours) {
        Map<String, String> out = new LinkedHashMap<>(existing == null ? Map.of() : existing);
        out.putAll(ours);
        return out;
    }
}
