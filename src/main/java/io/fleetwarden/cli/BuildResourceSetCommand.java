package io.fleetwarden.cli;

import io.fleetwarden.render.resourceset.ResourceSetRenderer;
import io.fleetwarden.render.resourceset.ResourceSetRenderer.RenderException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fleetwarden build resourceset}: renders a Flux Operator ResourceSet as {@code flux-operator build
 * resourceset} does and prints the objects the same way ("---" and YAML with sorted keys, "# step: NAME" before
 * each step's objects). Exit 0 when rendered, 1 when the ResourceSet cannot be rendered, 64 on a usage error.
 */
@Command(name = "resourceset", aliases = "rset", description = "Render a ResourceSet's templates to Kubernetes "
        + "objects, as flux-operator build resourceset does.")
final class BuildResourceSetCommand implements Callable<Integer> {

    /** Largest input file read. */
    static final long MAX_FILE_BYTES = 4L << 20;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE", description = "The ResourceSet "
            + "manifest (\"-\" for standard input).")
    String filename;

    @Option(names = {"-i", "--inputs-from"}, paramLabel = "FILE", description = "A YAML list of input sets that "
            + "replaces spec.inputs.")
    Path inputsFrom;

    @Option(names = "--inputs-from-provider", paramLabel = "FILE", description = "ResourceSetInputProvider objects "
            + "of type Static (multi-document YAML).")
    Path inputsFromProvider;

    @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "Namespace of a ResourceSet "
            + "that names none. Default ${DEFAULT-VALUE}.")
    String namespace;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> rset;
        List<Map<String, Object>> providers = new ArrayList<>();
        try {
            List<Object> docs = ResourceSetRenderer.readYaml(read(filename));
            if (docs.isEmpty() || !(docs.get(0) instanceof Map<?, ?> m)) {
                err.println("fleetwarden build resourceset: error parsing ResourceSet: not a YAML object");
                return ExitCode.USAGE.code();
            }
            rset = copy(m);
            Map<String, Object> metadata = section(rset, "metadata");
            if (!(metadata.get("namespace") instanceof String ns) || ns.isEmpty()) {
                metadata.put("namespace", namespace);
            }
            Map<String, Object> rsSpec = section(rset, "spec");
            boolean hasInputsFrom = rsSpec.get("inputsFrom") instanceof List<?> l && !l.isEmpty();
            if (hasInputsFrom && inputsFrom == null && inputsFromProvider == null) {
                err.println("fleetwarden build resourceset: ResourceSet has '.spec.inputsFrom', please provide the "
                        + "inputs with --inputs-from or --inputs-from-provider");
                return ExitCode.USAGE.code();
            }
            if (inputsFrom != null) {
                List<Object> in = ResourceSetRenderer.readYaml(read(inputsFrom.toString()));
                Object first = in.isEmpty() ? null : in.get(0);
                if (first != null && !(first instanceof List<?>)) {
                    err.println("fleetwarden build resourceset: error parsing inputs file: expected a YAML list of "
                            + "input sets");
                    return ExitCode.USAGE.code();
                }
                rsSpec.put("inputs", first == null ? new ArrayList<>() : first);
            }
            if (inputsFromProvider != null) {
                for (Object o : ResourceSetRenderer.readYaml(read(inputsFromProvider.toString()))) {
                    if (o instanceof Map<?, ?> pm && isKubernetesObject(pm)) {
                        providers.add(copy(pm));
                    }
                }
            }
        } catch (IOException e) {
            err.println("fleetwarden build resourceset: " + e.getMessage());
            return ExitCode.USAGE.code();
        } catch (RenderException e) {
            err.println("fleetwarden build resourceset: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        try {
            List<ResourceSetRenderer.Step> steps = ResourceSetRenderer.render(rset, providers);
            if (steps.stream().allMatch(s -> s.objects().isEmpty())) {
                err.println("fleetwarden build resourceset: no objects were generated");
                return ExitCode.REJECTED.code();
            }
            out.print(ResourceSetRenderer.toYaml(steps));
            out.flush();
            return ExitCode.OK.code();
        } catch (RenderException e) {
            err.println("fleetwarden build resourceset: " + e.getMessage());
            return ExitCode.REJECTED.code();
        }
    }

    private static boolean isKubernetesObject(Map<?, ?> o) {
        Object md = o.get("metadata");
        return o.get("kind") instanceof String k && !k.isEmpty() && o.get("apiVersion") instanceof String a
                && !a.isEmpty() && md instanceof Map<?, ?> m && m.get("name") instanceof String n && !n.isEmpty();
    }

    private static String read(String file) throws IOException {
        if (file.equals("-")) {
            try (InputStream in = System.in) {
                byte[] b = in.readNBytes((int) MAX_FILE_BYTES + 1);
                if (b.length > MAX_FILE_BYTES) {
                    throw new IOException("standard input is larger than " + MAX_FILE_BYTES + " bytes");
                }
                return new String(b, StandardCharsets.UTF_8);
            }
        }
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new IOException("invalid filename '" + file + "', must point to an existing file");
        }
        if (Files.size(p) > MAX_FILE_BYTES) {
            throw new IOException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> o, String key) {
        Object v = o.get(key);
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        Map<String, Object> fresh = new TreeMap<>();
        o.put(key, fresh);
        return fresh;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return (Map<String, Object>) (Map<?, ?>) out;
    }
}
