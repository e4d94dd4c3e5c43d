package io.fleetwarden.cli;

import io.fleetwarden.render.KustomizeBuilder;
import io.fleetwarden.render.RenderException;
import io.fleetwarden.render.Substitution;
import io.fleetwarden.render.Yaml;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fleetwarden build}: renders what the reconciler would apply, offline. */
@Command(name = "build", description = "Render sources offline as the reconciler would.",
        subcommands = {BuildCommand.Kustomization.class, BuildResourceSetCommand.class})
final class BuildCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return FleetwardenCli.USAGE;
    }

    /**
     * {@code fleetwarden build kustomization DIR}: the objects of a kustomization directory as a YAML stream, built
     * as kustomize-controller builds it (a directory without kustomization.yaml gets Flux's generated one), then
     * Flux's postBuild substitution with the {@code --substitute} variables. Exit 0 with the stream on stdout, 1
     * when the build is refused (the reason, naming the file and field, on stderr), 64 on a usage error.
     */
    @Command(name = "kustomization", description = "Build a kustomization directory like kustomize-controller "
            + "(kustomize v5.8.1 semantics, remote bases refused) and print the objects as a YAML stream.")
    static final class Kustomization implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "The kustomization directory.")
        Path dir;

        @Option(names = "--substitute", paramLabel = "KEY=VALUE", description = "A postBuild substitution variable "
                + "(repeatable), as a Flux Kustomization's spec.postBuild.substitute.")
        List<String> substitute = List.of();

        @Option(names = "--root", paramLabel = "DIR", description = "What the build may read, like the source "
                + "artifact's root: nothing outside it exists. Default: the git work tree holding DIR, else DIR.")
        Path root;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.isDirectory(dir)) {
                err.println("fleetwarden build kustomization: " + dir + " is not a directory");
                return FleetwardenCli.USAGE;
            }
            Map<String, String> vars = new LinkedHashMap<>();
            for (String kv : substitute) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    err.println("fleetwarden build kustomization: --substitute takes KEY=VALUE, not '" + kv + "'");
                    return FleetwardenCli.USAGE;
                }
                vars.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            Path top = root != null ? root : gitWorkTree(dir);
            DirectoryTree tree = new DirectoryTree(top);
            String relative = tree.relativize(dir);
            if (relative == null) {
                err.println("fleetwarden build kustomization: " + dir + " is not inside the root " + top);
                return FleetwardenCli.USAGE;
            }
            try {
                out.print(Yaml.stream(Substitution.apply(KustomizeBuilder.build(tree, relative), vars)));
                return 0;
            } catch (RenderException e) {
                err.println("fleetwarden build kustomization: " + e.getMessage());
                return 1;
            }
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
}
