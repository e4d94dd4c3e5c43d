package io.fleetwarden.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny scripted HTTP server on 127.0.0.1 for registry behaviour a real Distribution 2.8.2 does not show
 * (referrers API, Link pagination, Bearer tokens, redirects, lying registries). Routes match the exact path;
 * unknown paths get 404. Every request is recorded so tests can assert what the client asked for.
 */
public final class LoopbackHttpServer implements AutoCloseable {

    /** A request as received: method, path with query, the Authorization header (null when absent). */
    public record Received(String method, String pathAndQuery, String authorization) {
    }

    @FunctionalInterface
    public interface Route {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private LoopbackHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        exchange.getRequestHeaders().getFirst("Authorization")));
                Route route = routes.get(exchange.getRequestURI().getPath());
                if (route == null) {
                    respond(exchange, 404, Map.of(), new byte[0]);
                } else {
                    route.handle(exchange);
                }
            }
        });
        // A thread per exchange: a client's requests made at the same time are served at the same time, as a
        // registry would, so a route may wait for another request (tests of concurrent reads).
        server.setExecutor(Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, "loopback-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public static LoopbackHttpServer start() {
        try {
            return new LoopbackHttpServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public LoopbackHttpServer route(String path, Route route) {
        routes.put(path, route);
        return this;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Sends a full answer; a GET/HEAD with a body sends Content-Length (HEAD sends the length and no body). */
    public static void respond(HttpExchange exchange, int status, Map<String, String> headers, byte[] body)
            throws IOException {
        headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        if (head && body.length > 0) {
            exchange.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
        }
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
