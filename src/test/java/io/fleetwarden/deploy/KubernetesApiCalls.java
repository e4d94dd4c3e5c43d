package io.fleetwarden.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the Kubernetes API calls in {@code src/main/java}: every statement in a file that uses the fabric8 client
 * and starts at one of the client's resource entry points ({@code namespaces()}, {@code secrets()},
 * {@code resources(X.class)}, ...), with the verbs its operations need ({@code runnableInformer} is list and
 * watch, {@code get()} is get, ...). A statement whose verbs cannot be told is reported as such, so a new kind
 * of call fails the RBAC test instead of passing unnoticed.
 */
final class KubernetesApiCalls {

    /** fabric8 KubernetesClient methods that select a resource type (or a group of them). */
    static final Pattern ENTRY = Pattern.compile("\\.(resources|genericKubernetesResources|secrets|namespaces|serviceAccounts"
            + "|configMaps|pods|services|endpoints|nodes|events|leases|leaderElector|apps|batch|rbac|admissionRegistration"
            + "|apiextensions|coordination|network|policy|storage|certificates|authorization|authentication|customResources"
            + "|persistentVolumes|persistentVolumeClaims|discovery|raw)\\(([^)]*)\\)");

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
                if (!code.contains("io.fabric8.kubernetes.client.KubernetesClient")) {
                    continue;
                }
                Matcher m = ENTRY.matcher(code);
                while (m.find()) {
                    int end = code.indexOf(';', m.end());
                    String statement = code.substring(m.end(), end < 0 ? code.length() : end);
                    calls.add(new Call(sources.relativize(f).toString(), m.group(1) + "(" + m.group(2) + ")",
                            verbsOf(statement)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return calls;
    }

    private static Set<String> verbsOf(String statement) {
        Set<String> verbs = new TreeSet<>();
        VERBS.forEach((p, v) -> {
            if (p.matcher(statement).find()) {
                verbs.addAll(v);
            }
        });
        return verbs;
    }

    private static Map<Pattern, Set<String>> verbs() {
        Map<Pattern, Set<String>> v = new LinkedHashMap<>();
        v.put(Pattern.compile("\\.(runnableInformer|inform|informOnCondition)\\("), Set.of("list", "watch"));
        v.put(Pattern.compile("\\.get\\(\\)"), Set.of("get"));
        v.put(Pattern.compile("\\.list\\("), Set.of("list"));
        v.put(Pattern.compile("\\.watch\\("), Set.of("watch"));
        v.put(Pattern.compile("\\.create\\("), Set.of("create"));
        v.put(Pattern.compile("\\.(update|replace|updateStatus|replaceStatus)\\("), Set.of("update"));
        v.put(Pattern.compile("\\.(patch|edit|patchStatus|editStatus|serverSideApply)\\("), Set.of("patch"));
        v.put(Pattern.compile("\\.(delete|withGracePeriod)\\("), Set.of("delete"));
        v.put(Pattern.compile("\\.(createOr|createOrReplace)\\("), Set.of("create", "update"));
        return v;
    }
}
