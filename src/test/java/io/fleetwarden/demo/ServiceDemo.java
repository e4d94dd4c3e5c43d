package io.fleetwarden.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.testing.MockApiServer;
import io.fleetwarden.testing.ServiceProcess;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.TlsFixture;
import io.fleetwarden.testing.WebhookClient;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The service half of the demo: the packaged fleetwarden in its own JVM, serving its HTTPS webhook, watching
 * an embedded Kubernetes API for policies, verifying against the local registry and Sigstore.
 */
final class ServiceDemo {

    private ServiceDemo() {
    }

    static int run(Path app, Consumer<String> say) throws Exception {
        Path dir = Files.createTempDirectory("fleetwarden-demo-service");
        try (TestRegistry registry = TestRegistry.start(null);
                SignedArtifacts artifacts = new SignedArtifacts(registry, LocalSigstore.create());
                MockApiServer api = MockApiServer.start();
                KubernetesClient kube = api.client();
                TlsFixture tls = TlsFixture.create()) {
            DemoFleet fleet = new DemoFleet(artifacts, dir);
            applyCrds(kube, app.resolve("../kubernetes"));
            say.accept("\n== the service: packaged fleetwarden in its own JVM, HTTPS webhook, an embedded Kubernetes API at "
                    + api.url() + ", a fresh registry on " + registry.host());
            Map<String, String> config = Map.of("quarkus.kubernetes-client.api-server-url", api.url(),
                    "quarkus.kubernetes-client.trust-certs", "true",
                    "fleetwarden.tls.cert-file", tls.certFile().toString(),
                    "fleetwarden.tls.key-file", tls.keyFile().toString(),
                    "fleetwarden.gate.trusted-roots.local", fleet.trustedRoot.toString(),
                    "fleetwarden.certs.self-managed", "false");
            WebhookClient webhook = WebhookClient.trusting(tls.allCas());
            try (ServiceProcess service = ServiceProcess.start(app, config, List.of("-Xmx256m"))) {
                long start = System.nanoTime();
                service.awaitReady(webhook, Duration.ofSeconds(60));
                say.accept("== ready on https://localhost:" + service.port() + " after "
                        + (System.nanoTime() - start) / 1_000_000 + " ms (policies and trusted roots loaded)");
                return WebhookScenario.run(webhook.at(service.port()), kube, fleet, say);
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The CRDs generated from our Java types, applied as GitOps would before the policies. */
    private static void applyCrds(KubernetesClient kube, Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> crds = Files.newDirectoryStream(dir, "*.fleetwarden.io-v1.yml")) {
            for (Path crd : crds) {
                try (var in = Files.newInputStream(crd)) {
                    kube.resource(kube.apiextensions().v1().customResourceDefinitions().load(in).item()).create();
                }
            }
        }
    }
}
