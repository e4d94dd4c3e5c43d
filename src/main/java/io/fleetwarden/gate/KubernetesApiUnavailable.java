package io.fleetwarden.gate;

/**
 * A read from the Kubernetes API that a decision needs (a pull secret, a service account, a namespace's labels)
 * got no usable answer: an error status, a refused connection, no answer in time. It is an infrastructure
 * outcome about the API server, like a registry outage about the registry: the gate answers
 * {@link GateDecision.Unavailable}, never a denial for policy reasons, and never treats the namespace as
 * unlabelled or the source as anonymous (either could admit what the real answer would refuse).
 *
 * <p>Unchecked so that it can cross {@link RegistryAccess} and {@code NamespaceLabels}, whose other
 * implementations (offline, in the CLI) never read the API.
 */
public final class KubernetesApiUnavailable extends RuntimeException {

    /** @param message what could not be read and why, naming the object, never quoting its content */
    public KubernetesApiUnavailable(String message) {
        super(message);
    }
}
