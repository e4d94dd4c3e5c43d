package io.fleetwarden.oci.cloud;

import io.fleetwarden.oci.RegistryCredentials;
import java.time.Instant;
import java.util.Objects;

/**
 * A registry login a cloud provider issued, and when it stops working. {@link #toString()} never shows the
 * password: it is a bearer credential for the platform's registries.
 */
public record CloudLogin(String username, String password, Instant expiresAt) {

    public CloudLogin {
        Objects.requireNonNull(expiresAt, "expiresAt");
        // Validates the pair (non-empty user name, a password) with the same rule as a pull Secret's login.
        new RegistryCredentials.Login(username, password);
    }

    public RegistryCredentials.Login login() {
        return new RegistryCredentials.Login(username, password);
    }

    @Override
    public String toString() {
        return "CloudLogin[username=" + username + ", password=***, expiresAt=" + expiresAt + "]";
    }
}
