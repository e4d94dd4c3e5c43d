package io.fleetwarden.testing.cluster;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code deploy/} rendered by the real kustomize (the one in the kubectl we build), as Flux would build it. */
public final class DeployManifests {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DeployManifests() {
    }

    /** {@code kubectl kustomize <path>} (relative to the checkout), as generic objects. */
    public static List<HasMetadata> render(Components components, String path) {
        return parse(kustomize(components, path));
    }

    /** The YAML stream {@code kubectl kustomize} prints for {@code path}. */
    public static String kustomize(Components components, String path) {
        try {
            Process p = new ProcessBuilder(components.kubectl().toString(), "kustomize",
                    Components.repositoryRoot().resolve(path).toString()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + path + " failed:\n"
                        + new String(out, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<HasMetadata> parse(String yamlStream) {
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<GenericKubernetesResource> docs = YAML.readerFor(GenericKubernetesResource.class)
                .readValues(yamlStream)) {
            while (docs.hasNext()) {
                GenericKubernetesResource doc = docs.next();
                if (doc != null && doc.getKind() != null) {
                    objects.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }
}
