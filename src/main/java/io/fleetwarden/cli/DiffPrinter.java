package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import io.fleetwarden.apply.DryRun;
import io.fleetwarden.apply.ObjectRef;
import io.fleetwarden.render.Yaml;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints dry-run changes as {@code flux diff kustomization} does: {@code ► Kind/namespace/name created}, or
 * {@code drifted} followed by a unified diff of the live object and the object the apply would leave; nothing
 * for unchanged or skipped objects. Failures go to stderr, each naming its object.
 */
final class DiffPrinter {

    /** Lines of context around each change, as {@code diff -u}. */
    private static final int CONTEXT = 3;

    private DiffPrinter() {
    }

    /** What was printed: whether any object would change, and whether any could not be asked about. */
    record Summary(boolean changes, boolean failures) {
    }

    static Summary print(List<DryRun.Change> changes, PrintWriter out, PrintWriter err, String command) {
        boolean changed = false;
        boolean failed = false;
        for (DryRun.Change change : changes) {
            if (change instanceof DryRun.Created c) {
                out.println("► " + subject(c.ref()) + " created");
                changed = true;
            } else if (change instanceof DryRun.Drifted d) {
                out.println("► " + subject(d.ref()) + " drifted");
                unified(subject(d.ref()), d.live(), d.after()).forEach(out::println);
                changed = true;
            } else if (change instanceof DryRun.Failed f) {
                err.println(command + ": " + f.message());
                failed = true;
            }
        }
        return new Summary(changed, failed);
    }

    /** {@code Kind/namespace/name}, or {@code Kind/name} when cluster-scoped, as Flux's ssa package names objects. */
    static String subject(ObjectRef ref) {
        return ref.kind() + "/" + (ref.clusterScoped() ? "" : ref.namespace() + "/") + ref.name();
    }

    static List<String> unified(String subject, ObjectNode live, ObjectNode after) {
        List<String> before = lines(live);
        List<String> now = lines(after);
        Patch<String> patch = DiffUtils.diff(before, now);
        return UnifiedDiffUtils.generateUnifiedDiff(subject + " (live)", subject + " (after apply)", before, patch,
                CONTEXT);
    }

    /** Keys sorted at every level (as kubectl diff prints), so the server's field order makes no difference. */
    private static List<String> lines(ObjectNode object) {
        return Yaml.write(sorted(object)).lines().toList();
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            names.forEach(n -> out.set(n, sorted(node.get(n))));
            return out;
        }
        if (node.isArray()) {
            var out = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return node;
    }
}
