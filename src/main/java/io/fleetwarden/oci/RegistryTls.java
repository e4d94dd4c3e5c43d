package io.fleetwarden.oci;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS a registry client speaks: the JDK's trusted roots, and for a source with a {@code certSecretRef} its own
 * CA certificates beside them and its client certificate.
 *
 * <p>Roots are added to the system's, never put in their place, as source-controller does for OCI sources
 * ({@code WithSystemCertPool}): a registry behind a private CA often redirects blob downloads to public storage.
 * The server's name is always checked: source-controller's {@code insecure} (skip verification when no
 * {@code certSecretRef} is given) is not followed, because that would send pull credentials to whoever answers.
 *
 * <p>A client with material of its own ({@link #custom()}) speaks only HTTPS, even to loopback, since a source that
 * names a CA or a client certificate expects TLS.
 */
public final class RegistryTls {

    /** A client certificate chain (leaf first) and its key. */
    public record ClientIdentity(PrivateKey key, List<X509Certificate> chain) {
        public ClientIdentity {
            Objects.requireNonNull(key, "key");
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("a client certificate chain needs at least one certificate");
            }
        }

        /** Never the key. */
        @Override
        public String toString() {
            return "ClientIdentity[" + chain.get(0).getSubjectX500Principal().getName() + "]";
        }
    }

    private static final RegistryTls SYSTEM = new RegistryTls(List.of(), true, null);

    private final List<X509Certificate> extraRoots;
    private final boolean withSystemRoots;
    private final ClientIdentity client;

    private RegistryTls(List<X509Certificate> extraRoots, boolean withSystemRoots, ClientIdentity client) {
        this.extraRoots = List.copyOf(extraRoots);
        this.withSystemRoots = withSystemRoots;
        this.client = client;
    }

    /** The JDK's roots, no client certificate: what every source without a {@code certSecretRef} gets. */
    public static RegistryTls system() {
        return SYSTEM;
    }

    /** The system's roots plus {@code extraRoots}, and {@code client} when not null: a {@code certSecretRef}. */
    public static RegistryTls of(List<X509Certificate> extraRoots, ClientIdentity client) {
        if (extraRoots.isEmpty() && client == null) {
            return SYSTEM;
        }
        return new RegistryTls(extraRoots, true, client);
    }

    /**
     * {@code roots} in place of the system's (the system's when empty), and {@code client} when not null: cosign's
     * {@code --registry-cacert} and {@code --registry-client-cert}.
     */
    public static RegistryTls only(List<X509Certificate> roots, ClientIdentity client) {
        if (roots.isEmpty() && client == null) {
            return SYSTEM;
        }
        return new RegistryTls(roots, roots.isEmpty(), client);
    }

    /** Whether this adds anything to the JDK's defaults. */
    public boolean custom() {
        return this != SYSTEM;
    }

    public List<X509Certificate> extraRoots() {
        return extraRoots;
    }

    public Optional<ClientIdentity> client() {
        return Optional.ofNullable(client);
    }

    /** An SSL context for this material; empty for {@link #system()}, whose default context the JDK provides. */
    Optional<SSLContext> sslContext() {
        if (!custom()) {
            return Optional.empty();
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(), trustManagers(), null);
            return Optional.of(context);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a TLS context for a registry: " + e.getMessage(), e);
        }
    }

    /** Null for the JDK's default trust. */
    TrustManager[] trustManagers() throws GeneralSecurityException, java.io.IOException {
        if (extraRoots.isEmpty()) {
            return null; // the JDK's default trust
        }
        KeyStore roots = KeyStore.getInstance("PKCS12");
        roots.load(null, null);
        int n = 0;
        for (X509Certificate root : withSystemRoots ? systemRoots() : new X509Certificate[0]) {
            roots.setCertificateEntry("system-" + n++, root);
        }
        for (X509Certificate root : extraRoots) {
            roots.setCertificateEntry("source-" + n++, root);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(roots);
        return factory.getTrustManagers();
    }

    private static X509Certificate[] systemRoots() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509.getAcceptedIssuers();
            }
        }
        return new X509Certificate[0];
    }

    private KeyManager[] keyManagers() throws GeneralSecurityException, java.io.IOException {
        if (client == null) {
            return null;
        }
        // An in-memory store only; its password protects nothing and is never kept.
        char[] password = new char[24];
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < password.length; i++) {
            password[i] = (char) ('a' + random.nextInt(26));
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", client.key(), password, client.chain().toArray(X509Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        java.util.Arrays.fill(password, '\0');
        return factory.getKeyManagers();
    }

    @Override
    public String toString() {
        return custom() ? "RegistryTls[" + extraRoots.size() + (withSystemRoots ? " roots beside the system's" : " roots")
                + ", client " + client + "]" : "RegistryTls[system]";
    }
}
