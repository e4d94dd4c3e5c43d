package io.fleetwarden.oci;

import io.fleetwarden.oci.RegistryException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * One HTTP exchange within the caller's deadline: the request timeout and the wait are both what is left of
 * the {@link Deadline}, so a stalled body is cut off too (the request timeout alone stops at the headers).
 * Redirects are followed here rather than by {@link HttpClient}, because the client would forward our
 * {@code Authorization} header to whatever host a registry redirects to (blob storage, a CDN). We send it only
 * to the registry's own origin, and never follow a redirect to plain HTTP outside {@link TransportSecurity}.
 */
final class RegistryTransport {

    private static final int MAX_REDIRECTS = 5;

    private final HttpClient http;
    private final ExecutorService exchanges;
    private final TransportSecurity security;
    private final String userAgent;
    private final RegistryProxy proxy;

    /**
     * {@code exchanges} runs each blocking exchange, so that the caller can give up on it at the deadline;
     * {@code proxy} is the one {@code http} routes through, whose login this transport sends.
     */
    RegistryTransport(HttpClient http, ExecutorService exchanges, TransportSecurity security, String userAgent,
            RegistryProxy proxy) {
        this.http = http;
        this.exchanges = exchanges;
        this.security = security;
        this.userAgent = userAgent;
        this.proxy = proxy;
    }

    /**
     * A request. {@code authorization} is sent only to {@code origin}; null for none. {@code streamed} is the
     * digest of a body handed over as a {@link BlobStream} instead of being read into memory; null for a body read
     * whole.
     */
    record Request(String method, URI uri, String accept, String authorization, long maxBytes, String what,
            Digest streamed) {
        static Request get(URI uri, String accept, long maxBytes, String what) {
            return new Request("GET", uri, accept, null, maxBytes, what, null);
        }

        static Request head(URI uri, String accept, String what) {
            return new Request("HEAD", uri, accept, null, 0, what, null);
        }

        /** A GET whose 2xx body is streamed, capped at {@code maxBytes} and checked against {@code digest}. */
        static Request stream(URI uri, long maxBytes, Digest digest, String what) {
            return new Request("GET", uri, null, null, maxBytes, what, Objects.requireNonNull(digest));
        }

        Request withAuthorization(String value) {
            return new Request(method, uri, accept, value, maxBytes, what, streamed);
        }

        @Override
        public String toString() {
            return method + " " + uri + (authorization == null ? "" : " (authorized)");
        }
    }

    /** An answer; {@code stream} is the 2xx body of a streamed request (else null), and then {@code body} is empty. */
    record Response(int status, HttpHeaders headers, byte[] body, URI uri, InputStream stream) {
        boolean ok() {
            return status >= 200 && status <= 299;
        }
    }

    Response send(Request request, URI origin, Deadline deadline) throws RegistryException {
        URI uri = request.uri();
        for (int hop = 0; ; hop++) {
            if (!security.allows(uri)) {
                throw new RegistryException(Kind.UNAVAILABLE, request.what() + ": refusing " + uri.getScheme() + "://"
                        + uri.getRawAuthority() + ", registries other than loopback or configured insecure hosts require https");
            }
            String authorization = sameOrigin(uri, origin) ? request.authorization() : null;
            Response response = sendOnce(request, uri, authorization, deadline);
            if (response.status() < 300 || response.status() > 399 || response.status() == 304) {
                return response;
            }
            if (hop == MAX_REDIRECTS) {
                throw new RegistryException(Kind.INVALID_RESPONSE, request.what() + ": more than " + MAX_REDIRECTS + " redirects");
            }
            String location = response.headers().firstValue("Location").orElseThrow(() -> new RegistryException(
                    Kind.INVALID_RESPONSE, request.what() + ": redirect " + response.status() + " without a Location"));
            try {
                uri = uri.resolve(location);
            } catch (IllegalArgumentException e) {
                throw new RegistryException(Kind.INVALID_RESPONSE, request.what() + ": redirect to an invalid URI");
            }
        }
    }

    private Response sendOnce(Request request, URI uri, String authorization, Deadline deadline) throws RegistryException {
        Duration left = deadline.leftFor(request.what());
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(left)
                .method(request.method(), HttpRequest.BodyPublishers.noBody())
                .header("User-Agent", userAgent);
        if (request.accept() != null) {
            builder.header("Accept", request.accept());
        }
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        // The proxy's login, sent up front as Go's net/http sends it, only when this request goes through that proxy:
        // on the CONNECT of an https tunnel (the JDK never passes it on to the registry) or to the proxy of a plain
        // http request. A registry reached directly never sees it.
        proxy.proxyFor(uri).flatMap(RegistryProxy.Address::basicLogin)
                .ifPresent(login -> builder.header("Proxy-Authorization", login));
        if (request.streamed() != null) {
            HttpResponse<InputStream> response = await(builder.build(), BlobStream.handler(request.streamed(),
                    request.maxBytes(), deadline, request.what()), left, request);
            boolean ok = response.statusCode() >= 200 && response.statusCode() <= 299;
            return new Response(response.statusCode(), response.headers(), new byte[0], uri, ok ? response.body() : null);
        }
        HttpResponse.BodyHandler<byte[]> handler = "HEAD".equals(request.method())
                ? HttpResponse.BodyHandlers.replacing(new byte[0])
                : BoundedBody.upTo(request.maxBytes());
        HttpResponse<byte[]> response = await(builder.build(), handler, left, request);
        return new Response(response.statusCode(), response.headers(), Objects.requireNonNullElse(response.body(),
                new byte[0]), uri, null);
    }

    /**
     * The answer (its headers, and for a buffered body the whole body) within {@code left}. The blocking
     * {@code send} runs on the client's pool, and an exchange past the deadline is interrupted, which makes the JDK
     * client cancel it. Not {@code sendAsync}: it completes every exchange through {@code CompletableFuture}'s
     * default pool, which on a machine with two CPUs or fewer starts a new thread for each one (23,000 threads for
     * 1,000 new artifacts, measured).
     */
    private <T> HttpResponse<T> await(HttpRequest httpRequest, HttpResponse.BodyHandler<T> handler, Duration left,
            Request request) throws RegistryException {
        Future<HttpResponse<T>> future;
        try {
            future = exchanges.submit(() -> http.send(httpRequest, handler));
        } catch (RejectedExecutionException e) {
            throw new RegistryException(Kind.UNAVAILABLE, request.what() + ": the registry client is closed");
        }
        try {
            return future.get(left.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new RegistryException(Kind.TIMEOUT, request.what() + ": deadline exceeded");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new RegistryException(Kind.UNAVAILABLE, request.what() + ": interrupted");
        } catch (ExecutionException e) {
            throw failure(request, e.getCause());
        }
    }

    static final String PROXY_LOGIN_REFUSED = "the proxy asks for a login that was not given, or refused the one given "
            + "(HTTP 407); set it in HTTPS_PROXY/HTTP_PROXY or the source's proxySecretRef";

    /** The JDK's words when a proxy answered a CONNECT with 407 (a plain http request's 407 is a response). */
    private static boolean proxyRefusedLogin(String message) {
        return message.endsWith("got: 407");
    }

    private static RegistryException failure(Request request, Throwable cause) {
        String what = request.what();
        if (find(cause, BoundedBody.TooLargeException.class) != null) {
            return new RegistryException(Kind.TOO_LARGE, what + ": " + find(cause, BoundedBody.TooLargeException.class).getMessage());
        }
        if (find(cause, HttpTimeoutException.class) != null) {
            return new RegistryException(Kind.TIMEOUT, what + ": timed out", cause);
        }
        if (find(cause, UnknownHostException.class) != null || find(cause, UnresolvedAddressException.class) != null) {
            return new RegistryException(Kind.UNAVAILABLE, what + ": host not found", cause);
        }
        if (find(cause, ConnectException.class) != null) {
            return new RegistryException(Kind.UNAVAILABLE, what + ": connection refused or failed", cause);
        }
        if (find(cause, SSLException.class) != null) {
            return new RegistryException(Kind.UNAVAILABLE, what + ": TLS failed: " + find(cause, SSLException.class).getMessage(), cause);
        }
        if (cause instanceof IOException && proxyRefusedLogin(String.valueOf(cause.getMessage()))) {
            return new RegistryException(Kind.UNAVAILABLE, what + ": " + PROXY_LOGIN_REFUSED, cause);
        }
        String detail = cause instanceof IOException ? "I/O error: " + cause.getMessage() : "failed: " + cause;
        return new RegistryException(Kind.UNAVAILABLE, what + ": " + detail, cause);
    }

    private static <T extends Throwable> T find(Throwable chain, Class<T> type) {
        for (Throwable t = chain; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The error for an answer the caller did not expect; never quotes the body. */
    static RegistryException unexpected(Response response, String what) {
        int status = response.status();
        if (status == 404) {
            return new RegistryException(Kind.NOT_FOUND, what + ": not found (HTTP 404)");
        }
        if (status == 401 || status == 403) {
            return new RegistryException(Kind.UNAUTHORIZED, what + ": access denied (HTTP " + status + ")");
        }
        if (status == 429 || status >= 500) {
            return new RegistryException(Kind.UNAVAILABLE, what + ": registry unavailable (HTTP " + status + ")");
        }
        if (status == 407) {
            // The proxy's answer, not the registry's: infrastructure, fixed where the proxy's login is configured.
            return new RegistryException(Kind.UNAVAILABLE, what + ": " + PROXY_LOGIN_REFUSED);
        }
        return new RegistryException(Kind.INVALID_RESPONSE, what + ": unexpected HTTP " + status);
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
