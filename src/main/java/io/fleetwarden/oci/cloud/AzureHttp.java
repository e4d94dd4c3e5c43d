package io.fleetwarden.oci.cloud;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.HttpRegistryClient;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.oci.RegistryProxy;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * One request to an Azure endpoint (Azure AD, IMDS, a registry's token exchange) within the caller's {@link Deadline}:
 * the connect timeout, the request timeout and the wait for the whole body are all what is left of it, so a stalled
 * endpoint cannot hold a reconcile longer than its budget. Bodies are read up to {@value #MAX_BODY_BYTES} bytes and
 * refused beyond, since a token answer is a few kilobytes and anything larger is not one. Redirects are never
 * followed: the requests carry a client secret, an assertion or an Azure AD token, which must reach only the endpoint
 * we chose.
 *
 * <p>Messages name the step and the endpoint, never a request's form or an answer's body.
 */
final class AzureHttp {

    static final int MAX_BODY_BYTES = 1024 * 1024;

    /** An answer; {@link #toString()} never shows the body, which may hold a token. */
    record Answer(int status, byte[] body) {
        boolean ok() {
            return status >= 200 && status <= 299;
        }

        @Override
        public String toString() {
            return "Answer[status=" + status + ", " + body.length + " bytes]";
        }
    }

    /** What it means when the endpoint cannot be reached at all: the kind, and what to do, for the message. */
    record Unreachable(Kind kind, String advice) {
        static final Unreachable RETRY = new Unreachable(Kind.UNAVAILABLE, "the next attempt asks again");
    }

    private static final String TIMED_OUT = ": no answer within the deadline; the next attempt asks again";
    private static final AtomicInteger THREADS = new AtomicInteger();
    /**
     * Runs each blocking exchange so that the caller can stop waiting at the deadline (the request timeout alone
     * stops at the headers, not a trickling body). Logins are rare (the caller caches them), so a cached pool of
     * daemon threads stays small.
     */
    private static final ExecutorService EXCHANGES = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "fleetwarden-azure-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    static {
        // A proxy login on an https CONNECT tunnel is sent only when the JDK allows Basic there, as the registry
        // client arranges; the same here, or the AAD and exchange requests would reach the proxy without it.
        HttpRegistryClient.allowProxyLoginsOnTunnels();
    }

    private final RegistryProxy proxies;
    private final Duration connectCap;

    private AzureHttp(RegistryProxy proxies, Duration connectCap) {
        this.proxies = proxies;
        this.connectCap = connectCap;
    }

    /** Requests through the proxy {@code proxies} chooses for each URL, with the proxy's login when it has one. */
    static AzureHttp through(RegistryProxy proxies) {
        return new AzureHttp(proxies, null);
    }

    /** Requests that never go through any proxy, connecting within {@code connectCap} at most. */
    static AzureHttp direct(Duration connectCap) {
        return new AzureHttp(null, connectCap);
    }

    Answer postForm(URI uri, Map<String, String> form, String what, Deadline deadline, Unreachable unreachable)
            throws RegistryException {
        StringJoiner body = new StringJoiner("&");
        form.forEach((name, value) -> body.add(encode(name) + "=" + encode(value)));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        return send(request, uri, what, deadline, unreachable);
    }

    Answer get(URI uri, Map<String, String> headers, String what, Deadline deadline, Unreachable unreachable)
            throws RegistryException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        headers.forEach(request::header);
        return send(request, uri, what, deadline, unreachable);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private Answer send(HttpRequest.Builder request, URI uri, String what, Deadline deadline, Unreachable unreachable)
            throws RegistryException {
        Duration left = deadline.leftFor(what);
        Duration connect = connectCap != null && connectCap.compareTo(left) < 0 ? connectCap : left;
        // A client per request: its connect timeout comes from this request's deadline. Logins are rare (cached by
        // CloudLogins until near expiry), so nothing worth pooling is lost.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connect)
                .executor(EXCHANGES)
                // Without proxy(...) the JDK would apply its default selector (system properties); a direct client
                // must be direct.
                .proxy(proxies == null ? HttpClient.Builder.NO_PROXY : proxies.selector())
                .build();
        request.timeout(left).header("Accept", "application/json");
        proxyLogin(uri).ifPresent(login -> request.header("Proxy-Authorization", login));
        HttpRequest built = request.build();
        Future<Answer> future = EXCHANGES.submit(() -> exchange(http, built));
        try {
            return future.get(left.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new RegistryException(Kind.TIMEOUT, what + TIMED_OUT);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new RegistryException(Kind.UNAVAILABLE, what + ": interrupted");
        } catch (ExecutionException e) {
            throw failure(e.getCause(), what, deadline, unreachable);
        }
    }

    /**
     * The proxy's login (Basic, sent up front as Go's net/http does and as the registry client does) when this URL
     * goes through a proxy that has one: the JDK puts it on the CONNECT of an https tunnel only, never inside the
     * tunnel, so the Azure endpoint never sees it. A direct request never carries it.
     */
    private Optional<String> proxyLogin(URI uri) {
        if (proxies == null) {
            return Optional.empty();
        }
        return proxies.proxyFor(uri).flatMap(RegistryProxy.Address::basicLogin);
    }

    private static Answer exchange(HttpClient http, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            // Closing the stream early cancels the rest of the body: nothing beyond the cap is buffered.
            if (response.headers().firstValueAsLong("Content-Length").orElse(-1) > MAX_BODY_BYTES) {
                throw new TooLarge();
            }
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new TooLarge();
            }
            return new Answer(response.statusCode(), body);
        }
    }

    private static final class TooLarge extends IOException {
        TooLarge() {
            super("answer over " + MAX_BODY_BYTES + " bytes");
        }
    }

    private static RegistryException failure(Throwable cause, String what, Deadline deadline, Unreachable unreachable) {
        if (find(cause, TooLarge.class) != null) {
            return new RegistryException(Kind.UNAVAILABLE, what
                    + ": refused an answer over 1 MiB, which is no token answer");
        }
        boolean connectTimedOut = find(cause, HttpConnectTimeoutException.class) != null;
        // A connect timeout before the deadline is IMDS's short connect cap: the endpoint is not there.
        boolean timedOut = connectTimedOut ? deadline.expired() : find(cause, HttpTimeoutException.class) != null;
        if (timedOut) {
            return new RegistryException(Kind.TIMEOUT, what + TIMED_OUT, cause);
        }
        if (connectTimedOut || find(cause, ConnectException.class) != null
                || find(cause, NoRouteToHostException.class) != null || find(cause, UnknownHostException.class) != null
                || find(cause, UnresolvedAddressException.class) != null) {
            return new RegistryException(unreachable.kind(), what + ": not reachable; " + unreachable.advice(), cause);
        }
        if (find(cause, SSLException.class) != null) {
            return new RegistryException(Kind.UNAVAILABLE, what + ": TLS failed; the next attempt asks again", cause);
        }
        if (cause instanceof IOException && String.valueOf(cause.getMessage()).endsWith("got: 407")) {
            // The JDK's words when a proxy answered a CONNECT with 407.
            return new RegistryException(Kind.UNAVAILABLE, what + ": the proxy refused the login given, or asks for one "
                    + "(HTTP 407); set it in HTTPS_PROXY or the source's proxySecretRef", cause);
        }
        return new RegistryException(Kind.UNAVAILABLE, what + ": request failed (" + cause.getClass().getSimpleName()
                + "); the next attempt asks again", cause);
    }

    private static <T extends Throwable> T find(Throwable chain, Class<T> type) {
        for (Throwable t = chain; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
