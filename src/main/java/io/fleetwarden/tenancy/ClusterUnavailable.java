package io.fleetwarden.tenancy;

/**
 * A read the tenancy rules need (a namespace's labels) could not be made: the Kubernetes API server failed or
 * did not answer. Not a decision about the object: the webhook answers 503 {@code Unavailable} about the API
 * server, never a tenancy denial (which would tell the tenant to change something that is not wrong) and never
 * an admission (fail closed).
 */
public final class ClusterUnavailable extends RuntimeException {

    public ClusterUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
