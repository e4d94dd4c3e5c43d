package io.fleetwarden.oci.cloud;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpTransportFactory;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.RegistryProxy;
import java.io.IOException;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The HTTP connections of one Google login: each through the proxy {@link RegistryProxy} names for its URL, except
 * the metadata server's, and all of them closed by {@link #abort()} when the caller stops waiting, so that a login
 * given up at its deadline leaves no request behind.
 */
final class GcpTransport implements HttpTransportFactory {

    /** The metadata server's name, as the library and Go's metadata client address it. */
    static final String METADATA_NAME = "metadata.google.internal";
    /** Its link-local address, which the library's GCE check pings. */
    private static final String METADATA_IP = "169.254.169.254";

    private final RegistryProxy proxies;
    private final Deadline deadline;
    private final String metadataHost;
    private final NetHttpTransport transport;
    private final List<HttpURLConnection> opened = new CopyOnWriteArrayList<>();
    private volatile String lastHost;
    private volatile boolean aborted;

    /**
     * @param metadataHost {@code GCE_METADATA_HOST} of the identity's environment ({@code host[:port]}), or null
     */
    GcpTransport(RegistryProxy proxies, Deadline deadline, String metadataHost) {
        this.proxies = proxies;
        this.deadline = deadline;
        this.metadataHost = metadataHost;
        this.transport = new NetHttpTransport.Builder().setConnectionFactory(this::open).build();
    }

    @Override
    public HttpTransport create() {
        return transport;
    }

    /** The host of the last connection opened: the endpoint a failure came from. */
    String lastHost() {
        return lastHost;
    }

    /** Closes every connection of this login; none opens afterwards. */
    void abort() {
        aborted = true;
        for (HttpURLConnection c : opened) {
            c.disconnect();
        }
    }

    private HttpURLConnection open(URL url) throws IOException {
        // Refusing to connect once the login is given up (or its time spent) ends the library's retries too.
        if (aborted || deadline.expired()) {
            throw new SocketTimeoutException("Google login deadline spent");
        }
        URL target = url;
        Proxy proxy = Proxy.NO_PROXY;
        RegistryProxy.Address login = null;
        if (isMetadata(url.getHost())) {
            // The library reads GCE_METADATA_HOST from the process environment, this identity from its own (the
            // same map in production): a request the library addressed to the default name goes where ours says.
            if (metadataHost != null && url.getHost().equalsIgnoreCase(METADATA_NAME)) {
                target = new URL("http://" + metadataHost + url.getFile());
            }
            // Never through a proxy, as Go's metadata client: the server is link-local, answers only the node's
            // pods, and its tokens must not travel to (or be logged by) a proxy.
        } else {
            try {
                var address = proxies.proxyFor(url.toURI());
                if (address.isPresent()) {
                    login = address.get();
                    proxy = new Proxy(Proxy.Type.HTTP, new InetSocketAddress(login.host(), login.port()));
                }
            } catch (URISyntaxException e) {
                throw new IOException("not a URI: the Google endpoint's URL");
            }
        }
        HttpURLConnection connection = (HttpURLConnection) target.openConnection(proxy);
        if (login != null && login.username() != null) {
            connection.setAuthenticator(new ProxyLogin(login));
        }
        // The library sets its own timeouts on each request afterwards; these hold for whatever it does not set,
        // and the caller's wait (GcpIdentity) bounds the rest.
        int left = (int) Math.min(Integer.MAX_VALUE, Math.max(1, deadline.left().toMillis()));
        connection.setConnectTimeout(left);
        connection.setReadTimeout(left);
        lastHost = target.getHost();
        opened.add(connection);
        if (aborted) { // abort() ran while this one was opening
            connection.disconnect();
            throw new SocketTimeoutException("Google login deadline spent");
        }
        return connection;
    }

    private boolean isMetadata(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals(METADATA_NAME) || h.equals(METADATA_IP)
                || metadataHost != null && h.equals(hostOf(metadataHost).toLowerCase(Locale.ROOT));
    }

    private static String hostOf(String hostPort) {
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            return end < 0 ? hostPort : hostPort.substring(1, end);
        }
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 || hostPort.indexOf(':') != colon ? hostPort : hostPort.substring(0, colon);
    }

    /** The proxy's own login, given to that proxy only (never to a server that asks). */
    private static final class ProxyLogin extends Authenticator {
        private final RegistryProxy.Address proxy;

        ProxyLogin(RegistryProxy.Address proxy) {
            this.proxy = proxy;
        }

        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
            if (getRequestorType() != RequestorType.PROXY || !proxy.host().equalsIgnoreCase(getRequestingHost())
                    || proxy.port() != getRequestingPort()) {
                return null;
            }
            String password = proxy.password() == null ? "" : proxy.password();
            return new PasswordAuthentication(proxy.username(), password.toCharArray());
        }
    }
}
