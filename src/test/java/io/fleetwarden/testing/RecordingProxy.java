package io.fleetwarden.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP proxy on loopback, as a company's egress proxy behaves for what fleetwarden asks of it: {@code CONNECT} tunnels
 * for https, absolute-form requests for plain http, and when a login is set a Basic challenge (407) until the right
 * {@code Proxy-Authorization} comes. It records every request it gets, so a test can assert what went through it and
 * with which login.
 *
 * <p>Names are resolved by this proxy only, from {@link #route}: a registry on 127.0.0.1 can be reached as
 * {@code registry.corp.test:PORT}, a name the test machine's resolver does not know. That keeps every part on
 * loopback while the client sees a host that is not loopback (which Go's rules, and ours, never proxy).
 */
public final class RecordingProxy implements AutoCloseable {

    /** What one request asked for: {@code CONNECT host:port} or {@code GET http://...}, and its login if any. */
    public record Seen(String requestLine, String login) {
    }

    private final ServerSocket server;
    /** Routed host names, each to a loopback port (or {@link #SAME_PORT}). */
    private final java.util.Map<String, Integer> routes = new ConcurrentHashMap<>();
    private static final int SAME_PORT = -1;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final String login;

    private RecordingProxy(String login) throws IOException {
        this.login = login;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "recording-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy that asks for no login. */
    public static RecordingProxy open() throws IOException {
        return new RecordingProxy(null);
    }

    /** A proxy that answers 407 until it gets Basic {@code user:password}. */
    public static RecordingProxy withLogin(String user, String password) throws IOException {
        return new RecordingProxy(user + ":" + password);
    }

    /** Sends requests for {@code host} (any port) to 127.0.0.1 at the same port. */
    public RecordingProxy route(String host) {
        routes.put(host.toLowerCase(Locale.ROOT), SAME_PORT);
        return this;
    }

    /**
     * Sends requests for {@code host} (any port, none meaning the scheme's default) to 127.0.0.1 at {@code toPort}:
     * for clients that must see a host name on its default port (a cloud registry's name pattern has no port).
     */
    public RecordingProxy route(String host, int toPort) {
        routes.put(host.toLowerCase(Locale.ROOT), toPort);
        return this;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:PORT}, for a proxy URL. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> serve(client), "recording-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            List<String> head = readHead(in);
            if (head.isEmpty()) {
                return;
            }
            String requestLine = head.get(0);
            String given = header(head, "proxy-authorization");
            String user = given != null && given.startsWith("Basic ")
                    ? new String(Base64.getDecoder().decode(given.substring(6)), StandardCharsets.UTF_8) : null;
            seen.add(new Seen(requestLine, user));
            if (login != null && !login.equals(user)) {
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                return;
            }
            String[] parts = requestLine.split(" ");
            boolean connect = parts[0].equals("CONNECT");
            String authority = connect ? parts[1] : java.net.URI.create(parts[1]).getRawAuthority();
            int colon = authority.lastIndexOf(':');
            String host = (colon < 0 ? authority : authority.substring(0, colon)).toLowerCase(Locale.ROOT);
            int port = colon < 0 ? (connect ? 443 : 80) : Integer.parseInt(authority.substring(colon + 1));
            Integer routed = routes.get(host);
            if (routed != null && routed != SAME_PORT) {
                port = routed;
            }
            if (routed == null) {
                out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            try (Socket upstream = new Socket()) {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                if (connect) {
                    out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } else {
                    upstream.getOutputStream().write(originForm(head, parts).getBytes(StandardCharsets.US_ASCII));
                }
                Thread down = pump(upstream.getInputStream(), out);
                pump(in, upstream.getOutputStream()).join();
                down.join();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client or the upstream went away; nothing to record
        }
    }

    /** The request as the origin expects it: path only, no proxy headers, one request per connection. */
    private static String originForm(List<String> head, String[] parts) {
        java.net.URI uri = java.net.URI.create(parts[1]);
        StringBuilder out = new StringBuilder(parts[0] + " " + (uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) + " HTTP/1.1\r\n");
        for (String line : head.subList(1, head.size())) {
            String name = line.substring(0, Math.max(0, line.indexOf(':'))).toLowerCase(Locale.ROOT);
            if (!name.startsWith("proxy-") && !name.equals("connection")) {
                out.append(line).append("\r\n");
            }
        }
        return out.append("Connection: close\r\n\r\n").toString();
    }

    private static Thread pump(InputStream from, OutputStream to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    to.write(buffer, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    to.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }, "recording-proxy-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static List<String> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        List<String> head = new ArrayList<>();
        for (int b, total = 0; (b = in.read()) >= 0 && total < 64 * 1024; total++) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.US_ASCII).stripTrailing();
                if (text.isEmpty()) {
                    return head;
                }
                head.add(text);
                line.reset();
            } else {
                line.write(b);
            }
        }
        return head;
    }

    private static String header(List<String> head, String name) {
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
