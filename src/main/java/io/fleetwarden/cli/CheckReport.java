package io.fleetwarden.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fleetwarden.tenancy.GovernedKind;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code check} did: a line per judged object and a summary of how many objects it judged, allowed, denied, could
 * not judge and skipped (no webhook judges their kind), in all and by kind; as text for a person or as one JSON
 * document for a pipeline ({@code -o json}, like {@code verify}).
 */
final class CheckReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Counts of one kind, or of all. */
    static final class Counts {
        int allowed;
        int warned;
        int denied;
        int unavailable;
        int notJudged;
        int skipped;

        /** Objects a verdict was reached or sought for: allowed, denied, or undecided for want of a registry. */
        int judged() {
            return allowed + denied + unavailable;
        }

        int objects() {
            return judged() + notJudged + skipped;
        }

        void add(ManifestJudge.Verdict v) {
            switch (v) {
                case ALLOWED -> allowed++;
                case WARNED -> {
                    allowed++;
                    warned++;
                }
                case DENIED -> denied++;
                case UNAVAILABLE -> unavailable++;
                case NOT_JUDGED -> notJudged++;
                default -> throw new IllegalStateException(v.name());
            }
        }

        Map<String, Integer> asMap() {
            Map<String, Integer> m = new LinkedHashMap<>();
            m.put("objects", objects());
            m.put("judged", judged());
            m.put("allowed", allowed);
            m.put("warned", warned);
            m.put("denied", denied);
            m.put("unavailable", unavailable);
            m.put("notJudged", notJudged);
            m.put("skipped", skipped);
            return m;
        }
    }

    private final List<ManifestJudge.Line> lines = new ArrayList<>();
    private final List<JsonNode> skipped = new ArrayList<>();
    private final Counts total = new Counts();
    private final Map<String, Counts> byKind = new TreeMap<>();

    void add(ManifestJudge.Line line) {
        lines.add(line);
        total.add(line.verdict());
        byKind.computeIfAbsent(line.kind(), k -> new Counts()).add(line.verdict());
    }

    /**
     * An object no webhook judges. A kind named like a governed one but of another API (kustomize's own
     * {@code Kustomization} in a kustomization.yaml) is counted with its apiVersion, so as not to be taken for it.
     */
    void skip(JsonNode object) {
        String kind = object.path("kind").asText();
        if (kind.isEmpty()) {
            kind = "(no kind)";
        } else if (GovernedKind.byKind(kind).isPresent()) {
            kind = kind + " (" + object.path("apiVersion").asText() + ")";
        }
        skipped.add(object);
        total.skipped++;
        byKind.computeIfAbsent(kind, k -> new Counts()).skipped++;
    }

    Counts total() {
        return total;
    }

    List<ManifestJudge.Line> lines() {
        return lines;
    }

    /** The objects no webhook judges, in order. */
    List<JsonNode> skipped() {
        return skipped;
    }

    /**
     * 1 when anything is denied, else 2 when anything could not be decided (a registry, or what check cannot know
     * offline), else 64 when nothing was judged at all (the files hold nothing any webhook judges: a wrong path is
     * a usage error, never a pass), else 0.
     */
    int exitCode() {
        if (total.denied > 0) {
            return ExitCode.REJECTED.code();
        }
        if (total.unavailable > 0 || total.notJudged > 0) {
            return ExitCode.UNAVAILABLE.code();
        }
        return total.judged() == 0 ? ExitCode.USAGE.code() : ExitCode.OK.code();
    }

    void text(PrintWriter out) {
        lines.forEach(l -> l.print(out));
        out.println("summary: " + total.objects() + " objects: " + describe(total, true));
        int width = byKind.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        byKind.forEach((kind, c) -> out.println("  " + (kind + " ".repeat(width)).substring(0, width) + describe(c, false)));
        out.flush();
    }

    private static String describe(Counts c, boolean always) {
        List<String> parts = new ArrayList<>();
        if (always || c.judged() > 0) {
            List<String> of = new ArrayList<>();
            of.add(c.allowed + " allowed" + (c.warned > 0 ? " (" + c.warned + " with warnings)" : ""));
            if (always || c.denied > 0) {
                of.add(c.denied + " denied");
            }
            if (c.unavailable > 0) {
                of.add(c.unavailable + " unavailable");
            }
            parts.add("judged " + c.judged() + ": " + String.join(", ", of));
        }
        if (always || c.notJudged > 0) {
            parts.add("not judged " + c.notJudged);
        }
        if (always || c.skipped > 0) {
            parts.add("skipped " + c.skipped + (always ? " (no webhook judges their kind)" : ""));
        }
        return String.join("; ", parts);
    }

    /** One verdict of {@code -o json}. */
    static Map<String, Object> json(ManifestJudge.Line l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", switch (l.verdict()) {
            case ALLOWED -> "Allowed";
            case WARNED -> "Warned";
            case DENIED -> "Denied";
            case UNAVAILABLE -> "Unavailable";
            case NOT_JUDGED -> "NotJudged";
        });
        m.put("kind", l.kind());
        m.put("object", l.what());
        m.put("createdBy", l.origin());
        m.put("source", l.source());
        m.put("reason", l.reason());
        m.put("message", l.message());
        m.put("warnings", l.warnings());
        return m;
    }

    void json(PrintWriter out) {
        List<Map<String, Object>> verdicts = new ArrayList<>();
        for (ManifestJudge.Line l : lines) {
            verdicts.add(json(l));
        }
        Map<String, Object> summary = new LinkedHashMap<>(total.asMap());
        Map<String, Object> kinds = new LinkedHashMap<>();
        byKind.forEach((k, c) -> kinds.put(k, c.asMap()));
        summary.put("byKind", kinds);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("verdicts", verdicts);
        doc.put("summary", summary);
        try {
            out.println(JSON.writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }
}
