package io.fleetwarden;

import io.fleetwarden.cli.FleetwardenCli;
import io.fleetwarden.config.ServiceBootstrap;
import io.fleetwarden.oci.HttpRegistryClient;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * One artifact, two roles. Without arguments it is the in-cluster service (Quarkus, the webhook, the
 * operator). With a command it is the offline CLI, and Quarkus is never started: the CLI must not start the
 * operator or contact a cluster, and it should answer in well under two seconds.
 */
@QuarkusMain
public class FleetwardenMain {

    public static void main(String... args) {
        // First, before any HTTP client of the JDK exists: proxies that ask for a login (HTTPS_PROXY).
        HttpRegistryClient.allowProxyLoginsOnTunnels();
        if (args.length == 0) {
            // The HTTPS server needs the mounted certificate files; at a fresh install they must be made first.
            try {
                ServiceBootstrap.beforeQuarkus();
            } catch (RuntimeException e) {
                // Exit explicitly: the Kubernetes client leaves non-daemon threads (its HTTP event loop) behind,
                // so returning from main with an exception would hang forever instead of letting the kubelet
                // restart the pod (seen on a real API server with a missing RBAC grant).
                System.err.println("fleetwarden cannot start: " + e.getMessage());
                e.printStackTrace();
                System.exit(1);
            }
            Quarkus.run(args);
            return;
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(FleetwardenCli.run(args, out, err));
    }
}
