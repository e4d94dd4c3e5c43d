package io.fleetwarden.admission.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server key manager whose certificate and key are replaced in place. The TLS context that holds it is
 * never rebuilt, so a rotation cannot drop a connection (Vert.x 4.5's {@code updateSSLOptions}, which the
 * Quarkus TLS registry reload uses, closes connections accepted while the new context is being built).
 * Aliases carry the generation they came from, so a handshake that picked its alias just before a swap
 * still gets the certificate chain and the private key of the same pair.
 */
public final class SwappableKeyManager extends X509ExtendedKeyManager {

    private record Generation(long id, X509ExtendedKeyManager delegate) {
    }

    private volatile Generation current;
    private volatile Generation previous;

    public SwappableKeyManager(X509ExtendedKeyManager initial) {
        this.current = new Generation(0, initial);
        this.previous = current;
    }

    public synchronized void swap(X509ExtendedKeyManager next) {
        previous = current;
        current = new Generation(current.id() + 1, next);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        Generation generation = current;
        return tag(generation, generation.delegate().chooseEngineServerAlias(keyType, issuers, engine));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        Generation generation = current;
        return tag(generation, generation.delegate().chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        Generation generation = current;
        String[] aliases = generation.delegate().getServerAliases(keyType, issuers);
        return aliases == null ? null : Arrays.stream(aliases).map(alias -> tag(generation, alias)).toArray(String[]::new);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Generation generation = resolve(alias);
        return generation == null ? null : generation.delegate().getCertificateChain(untag(alias));
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Generation generation = resolve(alias);
        return generation == null ? null : generation.delegate().getPrivateKey(untag(alias));
    }

    // The server never authenticates itself as a TLS client.
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    private static String tag(Generation generation, String alias) {
        return alias == null ? null : generation.id() + "|" + alias;
    }

    private static String untag(String alias) {
        return alias.substring(alias.indexOf('|') + 1);
    }

    private Generation resolve(String alias) {
        int bar = alias == null ? -1 : alias.indexOf('|');
        if (bar <= 0) {
            return null;
        }
        String id = alias.substring(0, bar);
        Generation now = current;
        Generation before = previous;
        if (id.equals(Long.toString(now.id()))) {
            return now;
        }
        return id.equals(Long.toString(before.id())) ? before : null;
    }
}
