package io.fleetwarden.verify;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Descriptor;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.Manifest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** No referrers, no legacy tag; tests override what they need. */
class StubRegistry implements RegistryClient {
    @Override
    public Descriptor resolve(OciReference ref, Deadline deadline) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Manifest manifest(OciReference ref, Digest digest, Deadline deadline) throws RegistryException {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Manifest> manifestByTag(OciReference ref, String tag, Deadline deadline) throws RegistryException {
        return Optional.empty();
    }

    @Override
    public byte[] blob(OciReference ref, Digest digest, long maxBytes, Deadline deadline) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<String> tags(OciReference ref, Deadline deadline) {
        throw new UnsupportedOperationException();
    }

    @Override
    public InputStream openBlob(OciReference ref, Digest digest, long maxBytes, Deadline deadline)
            throws RegistryException {
        return new ByteArrayInputStream(blob(ref, digest, maxBytes, deadline)); // a fake: the whole blob is fine here
    }

    @Override
    public List<Descriptor> referrers(OciReference ref, Digest subject, String type, Deadline deadline)
            throws RegistryException {
        return List.of();
    }
}
