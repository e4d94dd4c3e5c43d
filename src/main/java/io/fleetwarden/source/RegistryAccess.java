package io.fleetwarden.source;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryException;

/**
 * The registry client to use for one source: with the source's pull secret or its service account's image
 * pull secrets in the cluster, with a Docker config in the CLI. Looking the credentials up may itself call
 * the Kubernetes API, so it runs under the review's deadline.
 */
@FunctionalInterface
public interface RegistryAccess {

    RegistryClient forSource(OciSource source, Deadline deadline) throws RegistryException;
}
