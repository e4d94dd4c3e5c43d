package io.fleetwarden.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What {@code fleetwarden test} found: per test file, each expected result compared with check's verdicts on the
 * objects it selects, the judged objects no expected result names, and a summary; as text or one JSON document.
 */
final class TestReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** How an expected result fared. */
    enum Outcome {
        PASS("Pass"),
        /** An object got another decision, or no object was judged that it selects. */
        FAIL("Fail"),
        /** A registry (or the deadline) kept check from deciding: it could not be evaluated. */
        UNAVAILABLE("Unavailable");

        final String json;

        Outcome(String json) {
            this.json = json;
        }
    }

    /** A test's result: INVALID when its file (or what it names) could not be used. */
    enum Status {
        PASS("Pass"), FAIL("Fail"), UNAVAILABLE("Unavailable"), INVALID("Invalid");

        final String json;

        Status(String json) {
            this.json = json;
        }
    }

    /**
     * One expected result, compared.
     *
     * @param selected the verdicts of the objects it selects
     * @param wrong those that are not as expected
     * @param problem why it fails when no object is selected
     */
    record Checked(TestSpec.Expectation expectation, Outcome outcome, List<ManifestJudge.Line> selected,
            List<ManifestJudge.Line> wrong, String problem) {
    }

    /** One test file: its problems (then nothing was judged), or its expected results and the objects none names. */
    record Test(Path file, String name, List<String> errors, List<Checked> checked, List<ManifestJudge.Line> notAsserted,
            boolean strict) {

        static Test invalid(Path file, String name, List<String> errors) {
            return new Test(file, name, List.copyOf(errors), List.of(), List.of(), false);
        }

        Status status() {
            if (!errors.isEmpty()) {
                return Status.INVALID;
            }
            if (count(Outcome.FAIL) > 0 || strict && !notAsserted.isEmpty()) {
                return Status.FAIL;
            }
            return count(Outcome.UNAVAILABLE) > 0 ? Status.UNAVAILABLE : Status.PASS;
        }

        int count(Outcome o) {
            return (int) checked.stream().filter(c -> c.outcome() == o).count();
        }
    }

    /** What a verdict line says about its object, for selecting it. */
    record Identity(String kind, String namespace, String name, String createdBy) {

        /**
         * From a line: its kind, the namespace and name of {@code Kind namespace/name} (a Namespace has none), and
         * what creates it as {@code Kind/namespace/name}. Lines about no single named object (a malformed document, a
         * FluxInstance's distribution artifact) have a kind and createdBy only; a line about the objects a ResourceSet
         * would create (which cannot be known) has no kind either: it is about none of the ResourceSet kind.
         */
        static Identity of(ManifestJudge.Line l) {
            String createdBy = l.origin() == null ? null : l.origin().replaceFirst(" ", "/");
            if (l.what().equals(CheckExpansion.CREATED_OBJECTS)) {
                return new Identity(null, null, null, createdBy);
            }
            String prefix = l.kind() + " ";
            String namespace = null;
            String name = null;
            if (l.what().startsWith(prefix)) {
                String rest = l.what().substring(prefix.length());
                if (!rest.equals(l.source()) && !rest.isEmpty() && !rest.contains(" ")) {
                    int slash = rest.indexOf('/');
                    namespace = slash < 0 ? null : rest.substring(0, slash);
                    name = rest.substring(slash + 1);
                }
            }
            return new Identity(l.kind(), namespace, name, createdBy);
        }

        boolean selectedBy(TestSpec.Expectation e) {
            return (e.kind() == null || e.kind().equals(kind)) && (e.namespace() == null || e.namespace().equals(namespace))
                    && (e.name() == null || e.name().equals(name)) && (e.createdBy() == null || e.createdBy().equals(createdBy));
        }
    }

    private final List<Test> tests = new ArrayList<>();

    void add(Test t) {
        tests.add(t);
    }

    List<Test> tests() {
        return tests;
    }

    /** Compares every expected result of {@code spec} with what check judged. */
    static Test evaluate(TestSpec spec, CheckReport report, boolean strict) {
        List<ManifestJudge.Line> lines = report.lines();
        List<Identity> ids = lines.stream().map(Identity::of).toList();
        boolean[] asserted = new boolean[lines.size()];
        List<Checked> checked = new ArrayList<>();
        for (TestSpec.Expectation e : spec.results()) {
            List<ManifestJudge.Line> selected = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (ids.get(i).selectedBy(e)) {
                    selected.add(lines.get(i));
                    asserted[i] = true;
                }
            }
            if (selected.isEmpty()) {
                checked.add(new Checked(e, Outcome.FAIL, List.of(), List.of(), notJudged(e, lines, ids, report.skipped())));
                continue;
            }
            List<ManifestJudge.Line> wrong = selected.stream().filter(l -> !as(e, l)).toList();
            Outcome o = wrong.isEmpty() ? Outcome.PASS
                    : wrong.stream().allMatch(l -> l.verdict() == ManifestJudge.Verdict.UNAVAILABLE) ? Outcome.UNAVAILABLE
                    : Outcome.FAIL;
            checked.add(new Checked(e, o, selected, wrong, null));
        }
        List<ManifestJudge.Line> notAsserted = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!asserted[i]) {
                notAsserted.add(lines.get(i));
            }
        }
        return new Test(spec.file(), spec.name(), List.of(), checked, notAsserted, strict);
    }

    /** Whether the line is the decision expected. */
    private static boolean as(TestSpec.Expectation e, ManifestJudge.Line l) {
        return e.result().matches(l.verdict()) && (e.reason() == null || e.reason().equals(l.reason()))
                && (e.messageContains() == null || l.message().contains(e.messageContains()));
    }

    /** Why no object is selected, with what comes closest: the object elsewhere, or read but of a kind not judged. */
    private static String notJudged(TestSpec.Expectation e, List<ManifestJudge.Line> lines, List<Identity> ids,
            List<JsonNode> skipped) {
        String problem = "no such object was judged";
        TreeSet<String> near = new TreeSet<>();
        if (e.createdBy() != null || e.namespace() != null) {
            TestSpec.Expectation anywhere = new TestSpec.Expectation(e.index(), e.kind(), null, e.name(), null,
                    e.result(), e.reason(), e.messageContains());
            for (int i = 0; i < lines.size(); i++) {
                if (e.kind() != null && ids.get(i).selectedBy(anywhere)) {
                    ManifestJudge.Line l = lines.get(i);
                    near.add((l.origin() == null ? "" : l.origin() + " \u2192 ") + l.what());
                }
            }
        }
        if (!near.isEmpty()) {
            return problem + " (judged: " + String.join(", ", near) + ")";
        }
        for (JsonNode o : skipped) {
            String kind = o.path("kind").asText();
            String name = o.at("/metadata/name").asText();
            String ns = o.at("/metadata/namespace").asText(null);
            if ((e.kind() == null || e.kind().equals(kind)) && (e.name() == null || e.name().equals(name))
                    && (e.namespace() == null || ns == null || e.namespace().equals(ns))) {
                near.add(kind + " " + (ns == null ? "" : ns + "/") + name + " (" + o.path("apiVersion").asText() + ")");
            }
        }
        return near.isEmpty() ? problem : problem + ": " + String.join(", ", near) + (near.size() == 1 ? " was" : " were")
                + " read, but no webhook judges " + (near.size() == 1 ? "its" : "their") + " kind";
    }

    /** 64 when a test file could not be used, else 1 when any test fails, else 2 when any could not be evaluated. */
    int exitCode() {
        if (tests.stream().anyMatch(t -> t.status() == Status.INVALID)) {
            return ExitCode.USAGE.code();
        }
        if (tests.stream().anyMatch(t -> t.status() == Status.FAIL)) {
            return ExitCode.REJECTED.code();
        }
        return tests.stream().anyMatch(t -> t.status() == Status.UNAVAILABLE) ? ExitCode.UNAVAILABLE.code()
                : ExitCode.OK.code();
    }

    void text(PrintWriter out) {
        for (Test t : tests) {
            out.println("test " + t.name() + " (" + t.file() + ")");
            if (t.status() == Status.INVALID) {
                out.println("INVALID " + t.name() + ": " + t.errors().size() + (t.errors().size() == 1 ? " problem" : " problems")
                        + ", listed on standard error; nothing was judged");
                continue;
            }
            for (Checked c : t.checked()) {
                TestSpec.Expectation e = c.expectation();
                if (c.outcome() == Outcome.PASS) {
                    out.println("  PASS " + e.selects() + ": " + e.expects() + (c.selected().size() == 1 ? ""
                            : " (" + c.selected().size() + " objects)"));
                    continue;
                }
                out.println("  " + (c.outcome() == Outcome.FAIL ? "FAIL " : "UNAVAILABLE ") + e.selects() + ": expected "
                        + e.expects());
                if (c.problem() != null) {
                    out.println("    " + c.problem());
                }
                c.wrong().forEach(l -> out.println("    actual: " + l.text()));
            }
            t.notAsserted().forEach(l -> out.println("  NOT ASSERTED " + l.text()));
            List<String> parts = new ArrayList<>();
            parts.add(t.count(Outcome.PASS) + " passed");
            parts.add(t.count(Outcome.FAIL) + " failed");
            if (t.count(Outcome.UNAVAILABLE) > 0) {
                parts.add(t.count(Outcome.UNAVAILABLE) + " unavailable");
            }
            out.println(t.status().name() + " " + t.name() + ": " + t.checked().size() + " expected "
                    + (t.checked().size() == 1 ? "result" : "results") + ": " + String.join(", ", parts) + "; "
                    + objects(t.notAsserted().size()) + " not asserted" + (t.strict() && !t.notAsserted().isEmpty()
                            ? " (--strict)" : ""));
        }
        Summary s = summary();
        out.println("summary: " + s.tests + (s.tests == 1 ? " test: " : " tests: ") + s.passed + " passed, " + s.failed
                + " failed, " + s.unavailable + " unavailable, " + s.invalid + " invalid; " + s.expected + " expected "
                + (s.expected == 1 ? "result" : "results") + ": " + s.expectedPassed + " passed, " + s.expectedFailed
                + " failed, " + s.expectedUnavailable + " unavailable; " + objects(s.notAsserted) + " not asserted");
        out.flush();
    }

    private static String objects(int n) {
        return n + (n == 1 ? " object" : " objects");
    }

    /** Counts over all tests. */
    private record Summary(int tests, int passed, int failed, int unavailable, int invalid, int expected,
            int expectedPassed, int expectedFailed, int expectedUnavailable, int notAsserted) {
    }

    private Summary summary() {
        int[] status = new int[Status.values().length];
        int expected = 0;
        int[] outcome = new int[Outcome.values().length];
        int notAsserted = 0;
        for (Test t : tests) {
            status[t.status().ordinal()]++;
            expected += t.checked().size();
            for (Outcome o : Outcome.values()) {
                outcome[o.ordinal()] += t.count(o);
            }
            notAsserted += t.notAsserted().size();
        }
        return new Summary(tests.size(), status[Status.PASS.ordinal()], status[Status.FAIL.ordinal()],
                status[Status.UNAVAILABLE.ordinal()], status[Status.INVALID.ordinal()], expected,
                outcome[Outcome.PASS.ordinal()], outcome[Outcome.FAIL.ordinal()], outcome[Outcome.UNAVAILABLE.ordinal()],
                notAsserted);
    }

    void json(PrintWriter out) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Test t : tests) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("name", t.name());
            doc.put("file", t.file().toString());
            doc.put("result", t.status().json);
            doc.put("errors", t.errors());
            List<Map<String, Object>> results = new ArrayList<>();
            for (Checked c : t.checked()) {
                TestSpec.Expectation e = c.expectation();
                Map<String, Object> select = new LinkedHashMap<>();
                select.put("kind", e.kind());
                select.put("namespace", e.namespace());
                select.put("name", e.name());
                select.put("createdBy", e.createdBy());
                Map<String, Object> expected = new LinkedHashMap<>();
                expected.put("result", e.result().word);
                expected.put("reason", e.reason());
                expected.put("messageContains", e.messageContains());
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("select", select);
                r.put("expected", expected);
                r.put("outcome", c.outcome().json);
                r.put("problem", c.problem());
                r.put("actual", c.selected().stream().map(CheckReport::json).toList());
                results.add(r);
            }
            doc.put("results", results);
            doc.put("notAsserted", t.notAsserted().stream().map(CheckReport::json).toList());
            docs.add(doc);
        }
        Summary s = summary();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("tests", s.tests);
        summary.put("passed", s.passed);
        summary.put("failed", s.failed);
        summary.put("unavailable", s.unavailable);
        summary.put("invalid", s.invalid);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("total", s.expected);
        expected.put("passed", s.expectedPassed);
        expected.put("failed", s.expectedFailed);
        expected.put("unavailable", s.expectedUnavailable);
        summary.put("results", expected);
        summary.put("notAsserted", s.notAsserted);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("tests", docs);
        doc.put("summary", summary);
        try {
            out.println(JSON.writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }
}
