package io.fleetwarden.oci;

import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.oci.RegistryTransport.Request;
import io.fleetwarden.oci.RegistryTransport.Response;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link RegistryClient} over the OCI distribution API v2 with {@link java.net.http.HttpClient}.
 *
 * <p>This is our own read path rather than oras-java because admission needs guarantees oras does not give:
 * a hard size limit on every body ({@link RegistryLimits}, cut off while streaming), one caller
 * {@link Deadline} across all the calls of a verification, control over HEAD vs GET, digest checks on
 * everything fetched by digest, and the referrers tag-schema fallback. oras-java stays a test tool for pushing.
 *
 * <p>Plain HTTP only to loopback and configured insecure hosts ({@link TransportSecurity}); authentication per
 * {@link RegistryAuth}. Thread-safe: one instance serves the whole service. Its {@link HttpClient} runs on a
 * cached pool of daemon platform threads (Java 17, no virtual threads), shut down by {@link #close()}.
 */
public final class HttpRegistryClient implements RegistryClient, AutoCloseable {

    private static final AtomicInteger POOLS = new AtomicInteger();
    /** The JDK property listing the schemes it refuses to answer a proxy's challenge with on a CONNECT tunnel. */
    static final String TUNNELING_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";

    static {
        allowProxyLoginsOnTunnels();
    }

    /**
     * The JDK refuses Basic credentials to a proxy on a CONNECT tunnel by default; Go's net/http, and so Flux, sends
     * them, and an operator who puts a login in HTTPS_PROXY or a proxySecretRef means them to be sent. The JDK reads
     * the property once, when its HTTP client is first used anywhere in the process, so the entry point calls this
     * before anything else (this class's loading does too); an operator's own setting is kept.
     */
    public static void allowProxyLoginsOnTunnels() {
        if (System.getProperty(TUNNELING_DISABLED_SCHEMES) == null) {
            System.setProperty(TUNNELING_DISABLED_SCHEMES, "");
        }
    }

    private final RegistryClientConfig config;
    private final TransportSecurity security;
    private final RegistryAuth auth;
    private final ExecutorService executor;
    private final RegistryListing listing;

    public HttpRegistryClient(RegistryClientConfig config) {
        this.config = config;
        this.security = new TransportSecurity(config.insecureHosts(), config.tls().custom());
        int pool = POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, "fleetwarden-registry-" + pool + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER) // RegistryTransport follows them, without leaking credentials
                .connectTimeout(config.connectTimeout()).executor(executor);
        // The JDK's HttpClient checks the server's name against its certificate with any context (RFC 2818).
        config.tls().sslContext().ifPresent(builder::sslContext);
        if (config.proxy().configured()) {
            // No Authenticator: with one, the JDK fails a registry's Basic challenge it cannot answer instead of
            // handing it to RegistryAuth; the proxy's login is sent by RegistryTransport instead.
            builder.proxy(new ProxyRouting(config.proxy()));
        }
        HttpClient http = builder.build();
        RegistryTransport transport = new RegistryTransport(http, executor, security, config.userAgent(), config.proxy());
        this.auth = new RegistryAuth(transport, security, config.credentials());
        this.listing = new RegistryListing(this, config.limits());
    }

    public static HttpRegistryClient withDefaults() {
        return new HttpRegistryClient(RegistryClientConfig.defaults());
    }

    @Override
    public Descriptor resolve(OciReference ref, Deadline deadline) throws RegistryException {
        String reference = ref.digest() != null ? ref.digest().toString() : ref.tag();
        if (reference == null) {
            throw new IllegalArgumentException("cannot resolve " + ref + ": it has neither a tag nor a digest");
        }
        String what = "resolve " + ref;
        URI uri = api(ref, "manifests/" + reference);
        Response head = send(ref, Request.head(uri, ManifestJson.ACCEPT, what), deadline);
        if (head.ok()) {
            Optional<String> digest = head.headers().firstValue("Docker-Content-Digest");
            Optional<String> type = head.headers().firstValue("Content-Type").map(HttpRegistryClient::mediaType);
            long size = head.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (digest.isPresent() && type.isPresent() && size >= 0) {
                Digest resolved = headerDigest(digest.get(), what);
                if (ref.digest() != null && !ref.digest().equals(resolved)) {
                    throw new RegistryException(Kind.INVALID_RESPONSE, what + ": registry answered digest " + resolved);
                }
                return Descriptor.of(type.get(), resolved, size);
            }
        } else if (head.status() != 405) {
            throw RegistryTransport.unexpected(head, what);
        }
        // No usable HEAD answer: fetch the manifest and digest the bytes ourselves.
        Manifest manifest = ref.digest() != null ? manifest(ref, ref.digest(), deadline)
                : manifestByTag(ref, ref.tag(), deadline).orElseThrow(() -> new RegistryException(Kind.NOT_FOUND,
                        what + ": not found (HTTP 404)"));
        return Descriptor.of(manifest.mediaType(), manifest.digest(), manifest.raw().length);
    }

    @Override
    public Manifest manifest(OciReference ref, Digest digest, Deadline deadline) throws RegistryException {
        String what = "GET manifest " + digest + " of " + ref.repositoryName();
        Response response = send(ref, Request.get(api(ref, "manifests/" + digest), ManifestJson.ACCEPT,
                config.limits().maxManifestBytes(), what), deadline);
        if (!response.ok()) {
            throw RegistryTransport.unexpected(response, what);
        }
        requireMatch(digest, response.body(), what);
        return ManifestJson.parse(digest, response.body(), contentType(response), config.limits().maxIndexEntries(), what);
    }

    @Override
    public Optional<Manifest> manifestByTag(OciReference ref, String tag, Deadline deadline) throws RegistryException {
        if (!OciReferenceParser.isValidTag(tag)) {
            throw new IllegalArgumentException("invalid tag \"" + tag + "\": must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
        }
        String what = "GET manifest " + ref.repositoryName() + ":" + tag;
        Response response = send(ref, Request.get(api(ref, "manifests/" + tag), ManifestJson.ACCEPT,
                config.limits().maxManifestBytes(), what), deadline);
        if (response.status() == 404) {
            return Optional.empty();
        }
        if (!response.ok()) {
            throw RegistryTransport.unexpected(response, what);
        }
        Optional<String> announced = response.headers().firstValue("Docker-Content-Digest");
        if (announced.isPresent()) {
            requireMatch(headerDigest(announced.get(), what), response.body(), what);
        }
        Digest digest = Digest.sha256Of(response.body());
        return Optional.of(ManifestJson.parse(digest, response.body(), contentType(response),
                config.limits().maxIndexEntries(), what));
    }

    @Override
    public byte[] blob(OciReference ref, Digest digest, long maxBytes, Deadline deadline) throws RegistryException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
        String what = "GET blob " + digest + " of " + ref.repositoryName();
        Response response = send(ref, Request.get(api(ref, "blobs/" + digest), null, maxBytes, what), deadline);
        if (!response.ok()) {
            throw RegistryTransport.unexpected(response, what);
        }
        requireMatch(digest, response.body(), what);
        return response.body();
    }

    @Override
    public InputStream openBlob(OciReference ref, Digest digest, long maxBytes, Deadline deadline)
            throws RegistryException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
        String what = "GET blob " + digest + " of " + ref.repositoryName();
        Response response = send(ref, Request.stream(api(ref, "blobs/" + digest), maxBytes, digest, what), deadline);
        if (!response.ok()) {
            throw RegistryTransport.unexpected(response, what);
        }
        return response.stream();
    }

    @Override
    public List<String> tags(OciReference ref, Deadline deadline) throws RegistryException {
        return listing.tags(ref, deadline);
    }

    @Override
    public List<Descriptor> referrers(OciReference ref, Digest subject, String artifactType, Deadline deadline)
            throws RegistryException {
        return listing.referrers(ref, subject, artifactType, deadline);
    }

    /** Shuts down the HTTP threads; calls after this fail. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** Where {@code registry}'s API lives: {@code https://ghcr.io}, {@code http://127.0.0.1:5000}. */
    URI baseUri(String registry) {
        return security.baseUri(registry);
    }

    /** {@code <base>/v2/<repository>/<path>}, after checking the reference (it is a public record, so unchecked). */
    URI api(OciReference ref, String path) {
        String problem = OciReferenceParser.registryProblem(ref.registry());
        if (problem == null) {
            problem = OciReferenceParser.repositoryProblem(ref.repository());
        }
        if (problem != null) {
            throw new IllegalArgumentException("invalid OCI reference \"" + ref + "\": " + problem);
        }
        return URI.create(baseUri(ref.registry()) + "/v2/" + ref.repository() + "/" + path);
    }

    Response send(OciReference ref, Request request, Deadline deadline) throws RegistryException {
        return auth.exchange(ref.registry(), ref.repository(), request, baseUri(ref.registry()), deadline);
    }

    static void requireMatch(Digest digest, byte[] body, String what) throws RegistryException {
        if (!digest.matches(body)) {
            throw new RegistryException(Kind.INVALID_RESPONSE, what + ": content does not match digest " + digest);
        }
    }

    private static Digest headerDigest(String value, String what) throws RegistryException {
        try {
            return Digest.parse(value.trim());
        } catch (IllegalArgumentException e) {
            throw new RegistryException(Kind.INVALID_RESPONSE, what + ": Docker-Content-Digest: " + e.getMessage());
        }
    }

    static String contentType(Response response) {
        return response.headers().firstValue("Content-Type").map(HttpRegistryClient::mediaType).orElse(null);
    }

    private static String mediaType(String contentType) {
        return contentType.split(";", 2)[0].trim();
    }
}
