package io.fleetwarden.kube;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.jboss.logging.Logger;

/**
 * Informers that keep trying. fabric8 stops an informer for good when its first list fails (an API server
 * still starting, a connection pool exhausted under load, an RBAC rule not yet applied), and the replica then
 * stays unready until someone restarts it, even after the cause is gone. Every failure is retried with the
 * informer's own backoff instead, and logged, so readiness follows the cause: unready while it lasts, ready
 * once it is fixed.
 */
public final class InformerRetries {

    private static final Logger LOG = Logger.getLogger(InformerRetries.class);

    private InformerRetries() {
    }

    /** Makes {@code informer} retry every list or watch failure; call before {@code start()}. */
    public static <T> SharedIndexInformer<T> retrying(SharedIndexInformer<T> informer, String what) {
        return informer.exceptionHandler((started, failure) -> {
            LOG.warnf("%s: %s failed (%s); retrying", what, started ? "watch" : "initial list",
                    failure.getMessage());
            return true;
        });
    }
}
