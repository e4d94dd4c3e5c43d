package io.fleetwarden.oci;

import java.io.IOException;

/**
 * A blob stream ({@link RegistryClient#openBlob}) that failed while being read: too large, not matching its
 * digest, past the deadline, or cut off. {@link java.io.InputStream#read} can only throw an {@link IOException},
 * so the {@link RegistryException} that says what went wrong travels inside this one; callers that know they
 * read a blob rethrow {@link #registryException()}.
 */
public final class BlobReadException extends IOException {

    private final RegistryException registryException;

    public BlobReadException(RegistryException registryException) {
        super(registryException.getMessage(), registryException);
        this.registryException = registryException;
    }

    public RegistryException registryException() {
        return registryException;
    }

    public RegistryException.Kind kind() {
        return registryException.kind();
    }
}
