package io.fleetwarden.cli;

import io.fleetwarden.policy.CompiledPolicy;
import io.fleetwarden.policy.PolicyCompiler;
import io.fleetwarden.policy.PolicyDocuments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads {@code ArtifactPolicy} files from a file or a directory (recursively, {@code .yaml}/{@code .yml}),
 * the way the service loads them from the cluster: every document is compiled, and one bad document
 * fails the whole load with every problem listed, so CI catches it before Flux applies it.
 */
final class PolicySource {

    private PolicySource() {
    }

    record Loaded(List<CompiledPolicy> policies, List<String> errors) {
    }

    static Loaded load(Path path) {
        List<CompiledPolicy> policies = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<Path> files;
        try {
            files = files(path);
        } catch (IOException e) {
            return new Loaded(List.of(), List.of("cannot read " + path + ": " + e.getMessage()));
        }
        if (files.isEmpty()) {
            errors.add(path + ": no .yaml or .yml files");
        }
        for (Path f : files) {
            String text;
            try {
                if (Files.size(f) > PolicyDocuments.MAX_BYTES) {
                    errors.add(f + ": larger than " + PolicyDocuments.MAX_BYTES + " bytes");
                    continue;
                }
                text = Files.readString(f);
            } catch (IOException e) {
                errors.add(f + ": " + e.getMessage());
                continue;
            }
            for (PolicyDocuments.Parsed p : PolicyDocuments.parse(f.toString(), text)) {
                if (p instanceof PolicyDocuments.Unreadable u) {
                    errors.add(u.source() + ": " + u.message());
                    continue;
                }
                var doc = (PolicyDocuments.Document) p;
                var result = PolicyCompiler.compile(doc.policy().getMetadata().getName(), doc.policy().getSpec());
                if (result instanceof PolicyCompiler.Compiled c) {
                    policies.add(c.policy());
                } else {
                    errors.add(doc.source() + ": " + ((PolicyCompiler.Invalid) result).summary());
                }
            }
        }
        return new Loaded(policies, errors);
    }

    private static List<Path> files(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            if (!Files.exists(path)) {
                throw new IOException("no such file or directory");
            }
            return List.of(path);
        }
        try (Stream<Path> walk = Files.walk(path, 8)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }
}
