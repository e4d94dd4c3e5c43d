package io.fleetwarden.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the Kubernetes API calls in {@code src/main/java}: in every file that uses the fabric8 client, each
 * statement that starts at one of the client's entry points ({@code namespaces()}, {@code secrets()},
 * {@code resources(X.class)}, the generic {@code resource(object)}, {@code leaderElector()}, ...) called on a
 * variable declared as {@code KubernetesClient}, with the verbs its operations need ({@code runnableInformer}
 * is list and watch, {@code get()} is get, ...). Group entries carry their kind
 * ({@code admissionRegistration().v1().validatingWebhookConfigurations()}). When the statement assigns the
 * operation to a local ({@code var secrets = client.secrets().inNamespace(ns);}), the verbs of every later
 * statement on that local count too. A statement whose verbs cannot be told is reported as such, so a new
 * kind of call fails the RBAC test instead of passing unnoticed.
 */
final class KubernetesApiCalls {

    /** fabric8 KubernetesClient methods that select a resource type (or a group of them), or an object. */
    static final String ENTRIES = "resources|resource|genericKubernetesResources|secrets|namespaces|serviceAccounts"
            + "|configMaps|pods|services|endpoints|nodes|events|leases|leaderElector|apps|batch|rbac|admissionRegistration"
            + "|apiextensions|coordination|network|policy|storage|certificates|authorization|authentication|customResources"
            + "|persistentVolumes|persistentVolumeClaims|discovery|raw|resourceList|v1";

    /** API-group entries select a kind in a second step: {@code .v1().validatingWebhookConfigurations()}. */
    private static final Set<String> GROUPS = Set.of("apps", "batch", "rbac", "admissionRegistration", "apiextensions",
            "coordination", "network", "policy", "storage", "certificates", "authorization", "authentication", "discovery", "v1");

    private static final Pattern CLIENT = Pattern.compile("\\bKubernetesClient\\s+(\\w+)\\b");
    private static final Pattern KIND = Pattern.compile("\\G(?:\\.(v\\w*)\\(\\))?\\.(\\w+)\\(\\)");
    private static final Pattern ASSIGNED = Pattern.compile("(\\w+)\\s*=\\s*$");

    /**
     * Entries whose verbs are fabric8's, not in the statement. {@code leaderElector()} with a {@code LeaseLock}
     * (fabric8 7.4 ResourceLock): get, create when absent, and every renewal and the release on close as a JSON
     * merge patch carrying the resourceVersion read, so patch (not update).
     */
    private static final Map<String, Set<String>> IMPLIED = Map.of("leaderElector", Set.of("get", "create", "patch"));

    private static final Map<Pattern, Set<String>> VERBS = verbs();

    /** One call: the file, the entry point with its argument (e.g. {@code resources(ArtifactPolicy.class)}), its verbs. */
    record Call(String file, String entry, Set<String> verbs) {
    }

    private KubernetesApiCalls() {
    }

    static List<Call> scan(Path sources) {
        List<Call> calls = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String code = Files.readString(f);
                if (code.contains("io.fabric8.kubernetes.client.KubernetesClient")) {
                    calls.addAll(callsIn(sources.relativize(f).toString(), code));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return calls;
    }

    private static List<Call> callsIn(String file, String code) {
        Set<String> clients = new HashSet<>();
        Matcher c = CLIENT.matcher(code);
        while (c.find()) {
            clients.add(c.group(1));
        }
        List<Call> calls = new ArrayList<>();
        if (clients.isEmpty()) {
            return calls;
        }
        Matcher m = Pattern.compile("\\b(?:" + String.join("|", clients) + ")\\.(" + ENTRIES + ")\\(([^)]*)\\)").matcher(code);
        while (m.find()) {
            String entry = m.group(1) + "(" + m.group(2) + ")";
            int end = m.end();
            if (GROUPS.contains(m.group(1))) {
                Matcher kind = KIND.matcher(code).region(end, code.length());
                if (kind.find()) {
                    entry += kind.group(1) == null ? "" : "." + kind.group(1) + "()";
                    entry += "." + kind.group(2) + "()";
                    end = kind.end();
                }
            }
            Set<String> verbs = new TreeSet<>(IMPLIED.getOrDefault(m.group(1), Set.of()));
            verbs.addAll(verbsOf(statementFrom(code, end)));
            int lineStart = code.lastIndexOf('\n', m.start()) + 1;
            Matcher assigned = ASSIGNED.matcher(code.substring(lineStart, m.start()));
            if (assigned.find()) {
                Matcher use = Pattern.compile("\\b" + assigned.group(1) + "\\.").matcher(code);
                while (use.find(end)) {
                    verbs.addAll(verbsOf(statementFrom(code, use.end())));
                    end = use.end();
                }
            }
            calls.add(new Call(file, entry, verbs));
        }
        return calls;
    }

    private static String statementFrom(String code, int start) {
        int end = code.indexOf(';', start);
        return code.substring(start, end < 0 ? code.length() : end);
    }

    /**
     * A patch of an object handed over with {@code resource(item)} is sent as it is: fabric8 reads the object first
     * only when it has none ({@code withName(...).patch}, {@code edit}).
     */
    private static final Pattern PATCH_OF_ITEM = Pattern.compile("\\.resource\\([^;]*\\)\\s*\\.patch\\(\\s*PatchContext");
    private static final Pattern READS = Pattern.compile("\\.(get\\(\\)|edit|editStatus|patchStatus)\\(?");

    private static Set<String> verbsOf(String statement) {
        Set<String> verbs = new TreeSet<>();
        VERBS.forEach((p, v) -> {
            if (p.matcher(statement).find()) {
                verbs.addAll(v);
            }
        });
        if (PATCH_OF_ITEM.matcher(statement).find() && !READS.matcher(statement).find()) {
            verbs.remove("get");
        }
        return verbs;
    }

    private static Map<Pattern, Set<String>> verbs() {
        Map<Pattern, Set<String>> v = new LinkedHashMap<>();
        v.put(Pattern.compile("\\.(runnableInformer|inform|informOnCondition|waitUntilCondition|waitUntilReady)\\("),
                Set.of("list", "watch"));
        v.put(Pattern.compile("\\.get\\(\\)"), Set.of("get"));
        v.put(Pattern.compile("\\.list\\("), Set.of("list"));
        v.put(Pattern.compile("\\.watch\\("), Set.of("watch"));
        v.put(Pattern.compile("\\.create\\("), Set.of("create"));
        v.put(Pattern.compile("\\.(update|replace|updateStatus|replaceStatus)\\("), Set.of("update"));
        // fabric8 7.4 reads the object before a patch or an edit (the API server's RBAC refusal of that GET is
        // what EngineModeIT saw); a server-side apply is sent as it is.
        v.put(Pattern.compile("\\.(patch|edit|patchStatus|editStatus)\\("), Set.of("get", "patch"));
        v.put(Pattern.compile("\\.serverSideApply\\("), Set.of("patch"));
        v.put(Pattern.compile("\\.(delete|withGracePeriod)\\("), Set.of("delete"));
        v.put(Pattern.compile("\\.(createOr|createOrReplace)\\("), Set.of("create", "update"));
        return v;
    }
}
