package io.fleetwarden.testing.cluster;

import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * A JVM that starts a control plane, prints the component pids and blocks: {@code ControlPlaneLifetimeTest}
 * kills it with SIGKILL and checks that no component survives it.
 */
public final class ControlPlaneChild {

    private ControlPlaneChild() {
    }

    public static void main(String[] args) throws Exception {
        ControlPlane plane = ControlPlane.start(Components.locate(), Path.of(args[0]));
        System.out.println("PIDS " + plane.processes().stream().map(p -> p.pid() + " " + p.guardPid())
                .collect(Collectors.joining(" ")));
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }
}
