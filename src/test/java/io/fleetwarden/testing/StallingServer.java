package io.fleetwarden.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP server that never finishes an answer, for testing that a client bounds its calls: either
 * {@link #silent()} (accepts and says nothing) or {@link #trickling()} (sends {@code 200} headers, then one byte
 * of a chunked body every 100 ms, forever, so idle timeouts never fire). Sockets stay open until {@link #close()}.
 */
public final class StallingServer implements AutoCloseable {

    private static final byte[] HEADERS = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n1\r\n{\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ONE_SPACE = "1\r\n \r\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final boolean trickle;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stalling-server-writer");
        t.setDaemon(true);
        return t;
    });

    private StallingServer(ServerSocket server, boolean trickle) {
        this.server = server;
        this.trickle = trickle;
        Thread acceptor = new Thread(this::acceptForever, "stalling-server-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static StallingServer silent() {
        return start(false);
    }

    public static StallingServer trickling() {
        return start(true);
    }

    private static StallingServer start(boolean trickle) {
        try {
            return new StallingServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), trickle);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return held.size();
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                held.add(socket);
                if (trickle) {
                    OutputStream out = socket.getOutputStream();
                    writer.execute(() -> write(out, HEADERS));
                    writer.scheduleAtFixedRate(() -> write(out, ONE_SPACE), 100, 100, TimeUnit.MILLISECONDS);
                }
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void write(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // ends this socket's schedule
        }
    }

    @Override
    public void close() {
        writer.shutdownNow();
        try {
            server.close();
            for (Socket s : held) {
                s.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
