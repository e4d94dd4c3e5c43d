package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A FluxInstance's {@code spec.distribution.artifact} ({@code oci://host/repo[:tag|@digest]}, the manifests of
 * the Flux controllers), which Flux Operator pulls itself and installs, verifying no signature: judged by the
 * signature gate as an OCIRepository of that URL and ref would be, without a verification spec of its own. Flux
 * Operator reads a reference without tag or digest as {@code :latest}, as go-containerregistry does.
 */
final class DistributionArtifact {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DistributionArtifact() {
    }

    static CheckExpansion.Item item(ManifestReader.Manifest instance, String origin, String namespace, String name,
            String artifact) {
        ObjectNode source = JSON.createObjectNode();
        source.put("apiVersion", "source.toolkit.fluxcd.io/v1");
        source.put("kind", "OCIRepository");
        source.putObject("metadata").put("name", name).put("namespace", namespace);
        ObjectNode spec = source.putObject("spec");
        String url = artifact;
        ObjectNode ref = JSON.createObjectNode();
        int at = artifact.indexOf('@');
        int colon = artifact.lastIndexOf(':');
        if (at > 0) {
            url = artifact.substring(0, at);
            ref.put("digest", artifact.substring(at + 1));
        } else if (colon > artifact.lastIndexOf('/') && colon > "oci://".length()) {
            url = artifact.substring(0, colon);
            ref.put("tag", artifact.substring(colon + 1));
        } else {
            ref.put("tag", "latest");
        }
        spec.put("url", url);
        spec.set("ref", ref);
        List<String> notes = ref.has("digest") ? List.of() : List.of("Flux Operator pulls the tag "
                + ref.path("tag").asText() + " again at every reconcile and verifies no signature: what is judged is "
                + "the artifact the tag names now; pin it by digest (" + url + "@sha256:...) to keep that one");
        ManifestReader.Origin from = new ManifestReader.Origin(origin, null, notes);
        return new CheckExpansion.PulledArtifact(new ManifestReader.Manifest(instance.source(), source, from),
                "distribution artifact " + artifact);
    }
}
