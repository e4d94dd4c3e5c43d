package io.fleetwarden.oci;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP proxy a registry request goes through, decided as Flux's controllers decide it, so that a cluster whose
 * registries are reached through a proxy works with fleetwarden exactly as with Flux:
 * <ul>
 * <li>From the service's environment, as Go's {@code net/http} reads it ({@code http.ProxyFromEnvironment}):
 * {@code HTTPS_PROXY} for https URLs, {@code HTTP_PROXY} for http URLs (each in upper case, else lower case; empty is
 * unset), never for {@code localhost} or a loopback address, and not for what {@code NO_PROXY} lists
 * ({@link NoProxyRules}). A value without a scheme means {@code http://}.</li>
 * <li>From a source's {@code spec.proxySecretRef}: every request of that source through it, {@code NO_PROXY} not
 * consulted, as source-controller does.</li>
 * </ul>
 * The JDK's HTTP client speaks to {@code http://} proxies only (CONNECT for https). An {@code https://} or
 * {@code socks5://} proxy, which Go also supports, is refused with a clear error rather than bypassed: a request
 * that goes around the proxy a cluster relies on would either fail obscurely or leave through a path the operator
 * did not choose. Credentials in the proxy URL (or the Secret) are sent to the proxy as Basic, up front, as Go sends
 * them.
 */
public final class RegistryProxy {

    /** source-controller's limit for a proxy address (fluxcd/pkg runtime/secrets). */
    public static final int MAX_ADDRESS_LENGTH = 2048;

    private static final RegistryProxy DIRECT = new RegistryProxy(null, null, NoProxyRules.parse(""), false);

    /** A proxy's address and optional Basic credentials; {@link #toString()} never shows the password. */
    public record Address(String host, int port, String username, String password) {
        /** {@code Basic base64(username:password)}, the password empty when absent; empty without a username. */
        public Optional<String> basicLogin() {
            if (username == null) {
                return Optional.empty();
            }
            String login = username + ":" + (password == null ? "" : password);
            return Optional.of("Basic " + java.util.Base64.getEncoder()
                    .encodeToString(login.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }

        @Override
        public String toString() {
            return "http://" + (username == null ? "" : username + (password == null ? "" : ":***") + "@") + host
                    + ":" + port;
        }
    }

    private final Address https;
    private final Address http;
    private final NoProxyRules noProxy;
    private final boolean everyRequest;

    private RegistryProxy(Address https, Address http, NoProxyRules noProxy, boolean everyRequest) {
        this.https = https;
        this.http = http;
        this.noProxy = noProxy;
        this.everyRequest = everyRequest;
    }

    /** No proxy at all. */
    public static RegistryProxy direct() {
        return DIRECT;
    }

    /**
     * The proxies {@code env} names ({@code System.getenv()} for the service and the CLI).
     *
     * @throws IllegalArgumentException naming the variable, for a value that is not an {@code http://} proxy URL
     */
    public static RegistryProxy fromEnvironment(Map<String, String> env) {
        String httpsValue = first(env, "HTTPS_PROXY", "https_proxy");
        String httpValue = first(env, "HTTP_PROXY", "http_proxy");
        if (httpsValue == null && httpValue == null) {
            return DIRECT;
        }
        String noProxy = first(env, "NO_PROXY", "no_proxy");
        return new RegistryProxy(parseEnv(httpsValue, httpsName(env)), parseEnv(httpValue, httpName(env)),
                NoProxyRules.parse(noProxy == null ? "" : noProxy), false);
    }

    /**
     * A source's {@code proxySecretRef}: {@code address} (a URL with scheme), and {@code username} and
     * {@code password} when given, as source-controller reads them. {@code what} names the Secret in messages.
     */
    public static RegistryProxy forSource(String address, String username, String password, String what) {
        if (address.isEmpty()) {
            throw new IllegalArgumentException(what + ": proxy address is empty");
        }
        if (address.length() > MAX_ADDRESS_LENGTH) {
            throw new IllegalArgumentException(what + ": proxy address exceeds " + MAX_ADDRESS_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(address);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(what + ": proxy address is not a URL");
        }
        Address parsed = address(uri, what + ": proxy address");
        Address withLogin = username == null ? parsed
                : new Address(parsed.host(), parsed.port(), username, password);
        return new RegistryProxy(withLogin, withLogin, NoProxyRules.parse(""), true);
    }

    /** Whether any request could go through a proxy. */
    public boolean configured() {
        return https != null || http != null;
    }

    /** These proxies as the JDK's clients ask for them: one proxy (or none) per request. */
    public java.net.ProxySelector selector() {
        return new ProxyRouting(this);
    }

    /** The proxy for a request to {@code uri}; empty to connect directly. */
    public Optional<Address> proxyFor(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Address proxy = switch (scheme) {
            case "https" -> https;
            case "http" -> http;
            default -> null;
        };
        if (proxy == null || !everyRequest && !noProxy.useProxy(uri)) {
            return Optional.empty();
        }
        return Optional.of(proxy);
    }

    private static String httpsName(Map<String, String> env) {
        return nonEmpty(env.get("HTTPS_PROXY")) ? "HTTPS_PROXY" : "https_proxy";
    }

    private static String httpName(Map<String, String> env) {
        return nonEmpty(env.get("HTTP_PROXY")) ? "HTTP_PROXY" : "http_proxy";
    }

    private static String first(Map<String, String> env, String upper, String lower) {
        return nonEmpty(env.get(upper)) ? env.get(upper) : nonEmpty(env.get(lower)) ? env.get(lower) : null;
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    /** As Go's {@code parseProxy}: a value that is not a URL with a scheme and a host is read as {@code http://value}. */
    private static Address parseEnv(String value, String name) {
        if (value == null) {
            return null;
        }
        URI uri = null;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            // retried below with http://
        }
        if (uri == null || uri.getScheme() == null || uri.getRawAuthority() == null) {
            try {
                uri = new URI("http://" + value);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(name + " is not a proxy URL");
            }
        }
        return address(uri, name);
    }

    private static Address address(URI uri, String what) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http")) {
            throw new IllegalArgumentException(what + ": fleetwarden reaches registries through http:// proxies only "
                    + "(CONNECT for https), got " + (scheme.isEmpty() ? "no scheme" : scheme + "://"));
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException(what + " names no proxy host");
        }
        String user = null;
        String password = null;
        if (uri.getUserInfo() != null) {
            int colon = uri.getUserInfo().indexOf(':');
            user = colon < 0 ? uri.getUserInfo() : uri.getUserInfo().substring(0, colon);
            password = colon < 0 ? null : uri.getUserInfo().substring(colon + 1);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Address(host, uri.getPort() < 0 ? 80 : uri.getPort(), user, password);
    }

    /** Never a password. */
    @Override
    public String toString() {
        return configured() ? "RegistryProxy[https " + https + ", http " + http + (everyRequest ? ", every request"
                : ", NO_PROXY " + noProxy) + "]" : "RegistryProxy[direct]";
    }
}
