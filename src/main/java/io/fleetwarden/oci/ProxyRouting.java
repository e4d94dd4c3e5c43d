package io.fleetwarden.oci;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;

/** {@link RegistryProxy} as the JDK's HTTP client asks for it: a proxy per request. */
final class ProxyRouting extends ProxySelector {

    private final RegistryProxy proxy;

    ProxyRouting(RegistryProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    public List<Proxy> select(URI uri) {
        return proxy.proxyFor(uri)
                .map(a -> List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(a.host(), a.port()))))
                .orElse(List.of(Proxy.NO_PROXY));
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException e) {
        // Nothing to fall back to: the request fails and says why (RegistryTransport).
    }
}
