package io.fleetwarden.oci;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * How {@link HttpRegistryClient} talks to registries.
 *
 * @param insecureHosts  registries reachable over plain HTTP besides loopback: {@code host} (any port) or
 *                       {@code host:port}, as in {@link OciReference#registry()}
 * @param credentials    logins by registry host; anonymous where none is configured
 * @param limits         bounds on what is read
 * @param userAgent      sent with every request
 * @param connectTimeout upper bound for establishing a connection (the caller's deadline still applies)
 * @param tls            roots and client certificate; {@link RegistryTls#system()} unless a source brings its own
 * @param proxy          the HTTP proxy requests go through: the environment's, or a source's {@code proxySecretRef}
 */
public record RegistryClientConfig(Set<String> insecureHosts, RegistryCredentials credentials, RegistryLimits limits,
        String userAgent, Duration connectTimeout, RegistryTls tls, RegistryProxy proxy) {

    public static final String DEFAULT_USER_AGENT = "fleetwarden";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public RegistryClientConfig {
        Set<String> lower = new LinkedHashSet<>();
        for (String host : insecureHosts) {
            lower.add(host.trim().toLowerCase(Locale.ROOT));
        }
        insecureHosts = Set.copyOf(lower);
        if (credentials == null || limits == null || userAgent == null || userAgent.isBlank() || connectTimeout == null
                || connectTimeout.isNegative() || connectTimeout.isZero() || tls == null || proxy == null) {
            throw new IllegalArgumentException("credentials, limits, a user agent, a positive connect timeout, TLS "
                    + "and proxy settings are required");
        }
    }

    /**
     * The same settings with a source's own logins and TLS material, and its {@code proxySecretRef} when it names one
     * ({@code sourceProxy} null: the environment's proxy).
     */
    public RegistryClientConfig forSource(RegistryCredentials sourceCredentials, RegistryTls sourceTls,
            RegistryProxy sourceProxy) {
        return new RegistryClientConfig(insecureHosts, sourceCredentials, limits, userAgent, connectTimeout, sourceTls,
                sourceProxy == null ? proxy : sourceProxy);
    }

    public static RegistryClientConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Set<String> insecureHosts = new LinkedHashSet<>();
        private RegistryCredentials credentials = RegistryCredentials.none();
        private RegistryLimits limits = RegistryLimits.defaults();
        private String userAgent = DEFAULT_USER_AGENT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private RegistryTls tls = RegistryTls.system();
        private RegistryProxy proxy = RegistryProxy.direct();

        private Builder() {
        }

        /** Allows plain HTTP to this registry ({@code host} or {@code host:port}); loopback never needs this. */
        public Builder insecureHost(String host) {
            insecureHosts.add(host);
            return this;
        }

        public Builder credentials(RegistryCredentials credentials) {
            this.credentials = credentials;
            return this;
        }

        public Builder limits(RegistryLimits limits) {
            this.limits = limits;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder tls(RegistryTls tls) {
            this.tls = tls;
            return this;
        }

        /** The HTTP proxy ({@link RegistryProxy#fromEnvironment} for the service and the CLI); direct by default. */
        public Builder proxy(RegistryProxy proxy) {
            this.proxy = proxy;
            return this;
        }

        public RegistryClientConfig build() {
            return new RegistryClientConfig(insecureHosts, credentials, limits, userAgent, connectTimeout, tls, proxy);
        }
    }
}
