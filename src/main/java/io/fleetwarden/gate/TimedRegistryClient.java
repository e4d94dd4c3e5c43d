package io.fleetwarden.gate;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Descriptor;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.Manifest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Optional;

/** A registry client that adds the time of every call to a {@link RegistryWait}. */
final class TimedRegistryClient implements RegistryClient {

    private interface Call<T> {
        T run() throws RegistryException;
    }

    private final RegistryClient delegate;
    private final RegistryWait wait;

    TimedRegistryClient(RegistryClient delegate, RegistryWait wait) {
        this.delegate = delegate;
        this.wait = wait;
    }

    private <T> T timed(Call<T> call) throws RegistryException {
        wait.enter();
        try {
            return call.run();
        } finally {
            wait.exit();
        }
    }

    @Override
    public Descriptor resolve(OciReference ref, Deadline deadline) throws RegistryException {
        return timed(() -> delegate.resolve(ref, deadline));
    }

    @Override
    public Manifest manifest(OciReference ref, Digest digest, Deadline deadline) throws RegistryException {
        return timed(() -> delegate.manifest(ref, digest, deadline));
    }

    @Override
    public Optional<Manifest> manifestByTag(OciReference ref, String tag, Deadline deadline) throws RegistryException {
        return timed(() -> delegate.manifestByTag(ref, tag, deadline));
    }

    @Override
    public byte[] blob(OciReference ref, Digest digest, long maxBytes, Deadline deadline) throws RegistryException {
        return timed(() -> delegate.blob(ref, digest, maxBytes, deadline));
    }

    /** The wait lasts until the stream is closed: reading the body is waiting for the registry too. */
    @Override
    public InputStream openBlob(OciReference ref, Digest digest, long maxBytes, Deadline deadline)
            throws RegistryException {
        wait.enter();
        try {
            return new ExitOnClose(delegate.openBlob(ref, digest, maxBytes, deadline));
        } catch (RegistryException | RuntimeException e) {
            wait.exit();
            throw e;
        }
    }

    /** Leaves the wait exactly once, however often the stream is closed. */
    private final class ExitOnClose extends FilterInputStream {
        private final AtomicBoolean open = new AtomicBoolean(true);

        ExitOnClose(InputStream in) {
            super(in);
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                if (open.compareAndSet(true, false)) {
                    wait.exit();
                }
            }
        }
    }

    @Override
    public List<String> tags(OciReference ref, Deadline deadline) throws RegistryException {
        return timed(() -> delegate.tags(ref, deadline));
    }

    @Override
    public List<Descriptor> referrers(OciReference ref, Digest subject, String artifactType, Deadline deadline)
            throws RegistryException {
        return timed(() -> delegate.referrers(ref, subject, artifactType, deadline));
    }
}
