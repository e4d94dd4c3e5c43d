package io.fleetwarden.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Calls the Quarkus under test over HTTPS, trusting only the given CAs and checking the host name, as the
 * API server does with the webhook's {@code caBundle}. One instance keeps its connections open across
 * calls (a pooled {@link HttpClient}); {@link #presentedCertificate()} always opens a fresh connection.
 */
public final class WebhookClient {

    private final TrustManager trust;
    private final HttpClient http;
    private final Integer port;
    private final String host;

    private WebhookClient(TrustManager trust) {
        this(trust, null, "localhost");
    }

    private WebhookClient(TrustManager trust, Integer port, String host) {
        this.trust = trust;
        this.port = port;
        this.host = host;
        this.http = HttpClient.newBuilder().sslContext(context(trust)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The same trust, for a service on {@code port} (a packaged service started outside the test's Quarkus). */
    public WebhookClient at(int servicePort) {
        return new WebhookClient(trust, servicePort, host);
    }

    /**
     * The same trust, dialling {@code address} (an IP literal) instead of {@code localhost}: the host name
     * check then wants an IP subject alternative name, as the API server does for a {@code url: https://<ip>}
     * webhook.
     */
    public WebhookClient at(String address, int servicePort) {
        return new WebhookClient(trust, servicePort, address);
    }

    /**
     * Trusts every CA the shared fixture has issued from, including ones it issues later: the trust is
     * looked up at each handshake, so a client made before a rotation also accepts the new certificate.
     */
    public static WebhookClient trustingFixture() {
        return new WebhookClient(new FixtureTrust(WebhookTlsResource.fixture()));
    }

    /** Trusts exactly these CAs, as an API server with this {@code caBundle} would. */
    public static WebhookClient trusting(List<X509Certificate> cas) {
        return new WebhookClient(trustManager(cas));
    }

    private static SSLContext context(TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] { trust }, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a client SSL context", e);
        }
    }

    static X509TrustManager trustManager(List<X509Certificate> cas) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                trust.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            return (X509TrustManager) factory.getTrustManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a client trust store", e);
        }
    }

    /** Server certificates only; the host name is checked by JSSE (endpoint identification HTTPS). */
    private record FixtureTrust(TlsFixture fixture) implements X509TrustManager {

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trustManager(fixture.allCas()).checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this client does not accept client certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return fixture.allCas().toArray(X509Certificate[]::new);
        }
    }

    /** The HTTPS port of the running Quarkus (Quarkus publishes the port it bound for port 0). */
    public static int httpsPort() {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-ssl-port", Integer.class);
        if (port == 0 && System.getProperty("test.url") != null) {
            // @QuarkusIntegrationTest: the packaged application picked a free port itself; the launcher read it
            // from the "Listening on" log line and published it as test.url.
            port = URI.create(System.getProperty("test.url")).getPort();
        }
        return port;
    }

    public static URI uri(String path) {
        return URI.create("https://localhost:" + httpsPort() + path);
    }

    private URI target(String path) {
        return port == null ? uri(path) : URI.create("https://" + host + ":" + port + path);
    }

    public HttpResponse<String> post(String path, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    public HttpResponse<String> postJson(String path, String json) {
        return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(target(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    /**
     * The certificate the server presents to a new TLS connection: a fresh socket from a fresh SSL context,
     * so neither a pooled connection nor a resumed session can show an older certificate.
     */
    public X509Certificate presentedCertificate() {
        try (SSLSocket socket = (SSLSocket) context(trust).getSocketFactory().createSocket(host,
                port == null ? httpsPort() : port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(5000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
