package io.fleetwarden.oci;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Which registries may be reached over plain HTTP, and where a registry's API lives.
 *
 * <p>Plain HTTP is allowed only for loopback hosts and hosts an operator listed as insecure. Everything
 * else is HTTPS, because the bytes we fetch decide what a cluster admits: a man in the middle could answer
 * a tag resolution with a digest of his choosing, and Basic credentials and bearer tokens would travel in
 * clear text. Loopback is recognised from the literal name only ({@code localhost}, {@code 127.0.0.0/8},
 * {@code [::1]}), never by resolving DNS. A client with TLS material of its own ({@link RegistryTls#custom()})
 * speaks only HTTPS, even to loopback: its source expects TLS.
 */
final class TransportSecurity {

    private static final String DOCKER_HUB_API = "registry-1.docker.io";

    private final Set<String> insecureHosts;
    private final boolean tlsOnly;

    /**
     * @param insecureHosts {@code host} (any port) or {@code host:port} entries, lower case
     * @param tlsOnly       HTTPS everywhere, loopback and insecure hosts included
     */
    TransportSecurity(Set<String> insecureHosts, boolean tlsOnly) {
        this.insecureHosts = Set.copyOf(insecureHosts);
        this.tlsOnly = tlsOnly;
    }

    /** {@code https://ghcr.io}, {@code http://127.0.0.1:5000}, {@code https://registry-1.docker.io}. */
    URI baseUri(String registry) {
        String host = registry.toLowerCase(Locale.ROOT);
        if (OciReferenceParser.DOCKER_HUB.equals(host)) {
            host = DOCKER_HUB_API;
        }
        return URI.create((allowsPlainHttp(host) ? "http" : "https") + "://" + host);
    }

    /** Whether {@code hostPort} ({@code host}, {@code host:port}, {@code [v6]:port}) may be spoken to in plain HTTP. */
    boolean allowsPlainHttp(String hostPort) {
        if (tlsOnly) {
            return false;
        }
        String lower = hostPort.toLowerCase(Locale.ROOT);
        String host = hostOf(lower);
        return isLoopback(host) || insecureHosts.contains(lower) || insecureHosts.contains(host);
    }

    /** Whether a URI may be fetched at all: HTTPS always, HTTP only where {@link #allowsPlainHttp} says so. */
    boolean allows(URI uri) {
        if (uri.getRawAuthority() == null || uri.getHost() == null || uri.getRawUserInfo() != null) {
            return false;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return "https".equals(scheme) || "http".equals(scheme) && allowsPlainHttp(uri.getRawAuthority());
    }

    static String hostOf(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close < 0 ? hostPort : hostPort.substring(0, close + 1);
        }
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    static boolean isLoopback(String host) {
        if ("localhost".equals(host) || "[::1]".equals(host) || "[0:0:0:0:0:0:0:1]".equals(host)) {
            return true;
        }
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4 || !"127".equals(octets[0])) {
            return false;
        }
        for (String octet : octets) {
            if (!octet.matches("[0-9]{1,3}") || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }
}
