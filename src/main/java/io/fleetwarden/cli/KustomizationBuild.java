package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.render.FluxOverlay;
import io.fleetwarden.render.Limits;
import io.fleetwarden.render.RenderException;
import io.fleetwarden.render.Substitution;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The build that {@code build kustomization} prints and {@code diff kustomization} compares with the cluster
 * (a picocli mixin), so both see exactly the same objects: the directory built as kustomize-controller builds a
 * Kustomization's path, with its {@code targetNamespace}, then Flux's postBuild substitution, SOPS-encrypted Secret
 * values masked ({@link SopsMask}).
 */
final class KustomizationBuild {

    @Parameters(index = "0", paramLabel = "DIR", description = "The kustomization directory.")
    Path dir;

    @Option(names = "--substitute", paramLabel = "KEY=VALUE", description = "A postBuild substitution variable "
            + "(repeatable), as a Flux Kustomization's spec.postBuild.substitute.")
    List<String> substitute = List.of();

    @Option(names = "--root", paramLabel = "DIR", description = "What the build may read, like the source "
            + "artifact's root: nothing outside it exists. Default: the git work tree holding DIR, else DIR.")
    Path root;

    @Option(names = "--target-namespace", paramLabel = "NS", description = "As a Flux Kustomization's "
            + "spec.targetNamespace: the kustomize namespace of the build.")
    String targetNamespace;

    /**
     * The built and substituted objects; a refused build throws {@link RenderException} naming file and field, a
     * wrong argument a usage {@link CliFailure}.
     */
    List<ObjectNode> objects() {
        if (!Files.isDirectory(dir)) {
            throw CliFailure.usage(dir + " is not a directory");
        }
        if (targetNamespace != null && targetNamespace.isBlank()) {
            throw CliFailure.usage("--target-namespace must not be empty");
        }
        Map<String, String> vars;
        try {
            vars = PostBuildOptions.parse(substitute);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }
        Path top = root != null ? root : gitWorkTree(dir);
        DirectoryTree tree = new DirectoryTree(top);
        String relative = tree.relativize(dir);
        if (relative == null) {
            throw CliFailure.usage(dir + " is not inside the root " + top);
        }
        FluxOverlay overlay = targetNamespace == null ? FluxOverlay.NONE
                : new FluxOverlay(targetNamespace, null, null, List.of(), List.of(), List.of(), false, Map.of(),
                        Map.of());
        // As flux build: SOPS-encrypted Secrets are masked, never printed or dry-run still encrypted.
        return SopsMask.mask(Substitution.apply(overlay.build(tree, relative, Limits.DEFAULT), vars));
    }

    private static Path gitWorkTree(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        for (Path p = abs; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return p;
            }
        }
        return abs;
    }
}
