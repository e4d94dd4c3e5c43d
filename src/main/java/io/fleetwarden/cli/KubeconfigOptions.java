package io.fleetwarden.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Which cluster, as whom: a kubeconfig and a context, as kubectl and flux take them (a picocli mixin). Only
 * {@code diff} uses it; every other command stays offline.
 */
final class KubeconfigOptions {

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "The kubeconfig. Default: $KUBECONFIG, "
            + "else ~/.kube/config.")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "The kubeconfig context. Default: its "
            + "current-context.")
    String context;

    /** A client for the chosen context; a missing file or an unknown context is a usage error naming it. */
    KubernetesClient client() {
        Config config;
        String source;
        if (kubeconfig != null) {
            source = "--kubeconfig " + kubeconfig;
            if (!Files.isRegularFile(kubeconfig)) {
                throw CliFailure.usage(source + ": no such file");
            }
            config = load(source, () -> Config.fromKubeconfig(context, kubeconfig.toFile()));
        } else {
            // fabric8 reads $KUBECONFIG (which may list several files) or ~/.kube/config; without either it would
            // fall back to an in-cluster service account, which is never what a user at a terminal means.
            List<String> files = Config.getKubeconfigFilenames().stream().filter(f -> new File(f).isFile()).toList();
            if (files.isEmpty()) {
                throw CliFailure.usage("no kubeconfig: none of " + Config.getKubeconfigFilenames()
                        + " exists; pass --kubeconfig FILE or set KUBECONFIG");
            }
            source = "kubeconfig " + String.join(File.pathSeparator, files);
            config = load(source, () -> Config.autoConfigure(context));
        }
        if (context != null && (config.getCurrentContext() == null
                || !context.equals(config.getCurrentContext().getName()))) {
            throw CliFailure.usage(source + ": no context named '" + context + "'");
        }
        if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
            throw CliFailure.usage(source + ": the context names no cluster server");
        }
        // As kubectl: an unreachable cluster is reported at once, not after fabric8's retries with backoff (10 by
        // default, which at a terminal looks like a hang).
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private interface Loader {
        Config load();
    }

    private static Config load(String source, Loader loader) {
        try {
            return loader.load();
        } catch (RuntimeException e) {
            throw CliFailure.usage(source + " cannot be read: " + e.getMessage());
        }
    }
}
