package io.fleetwarden.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for processes the tests start on loopback. */
public final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /** A port free on 127.0.0.1 now (the OS picks it; another process could still take it before use). */
    public static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
