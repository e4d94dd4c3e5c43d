package io.fleetwarden.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.testing.FluxOracle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The files we keep of an extracted layer ({@link SourceIgnore}) against those source-controller v1.9.4 keeps, asked
 * of {@code tools/flux-oracle sourceignore}: a Go program that writes the tree to disk and runs source-controller's
 * own steps over it (fluxcd/pkg/sourceignore v0.18.0 to load the rules, fluxcd/pkg/artifact's
 * {@code SourceIgnoreFilter} and {@code Storage.Archive} to archive), then lists the archive. And {@link GoGlob}
 * against Go's {@code path/filepath.Match} ({@code flux-oracle match}), which every pattern segment runs on. Where
 * we differ, we are wrong.
 *
 * <p>Generated cases use a fixed seed, so a failure reproduces: trees whose names hit the default exclusions
 * ({@code .git/}, {@code .github/}, images, {@code cloudbuild.yaml}, nested {@code .sops.yaml}, ...), with
 * {@code .sourceignore} files at any depth (some under {@code .git}, some empty or only comments), and
 * {@code spec.ignore} absent, empty or random; patterns with negation, leading, trailing and doubled slashes,
 * {@code **}, classes, escapes, malformed classes, trailing spaces and tabs, comments and CRLF line ends. Then
 * hand-written cases for each rule.
 */
class SourceIgnoreDifferentialTest {

    private static final long SEED = 20261205L;
    private static final int GENERATED_TREES = 3_000;
    private static final int GENERATED_GLOBS = 3_000;

    /** Names for directories and files, many of them named by a default exclusion or tricky for a glob. */
    private static final List<String> NAMES = List.of("a", "b", "apps", "deploy", "base", "app.yaml",
            "kustomization.yaml", "README.md", ".git", ".github", "workflows", "ci.yaml", ".circleci", "config.yml",
            ".gitignore", ".gitmodules", ".gitattributes", "logo.png", "photo.JPG", "pic.jpg", "x.jpeg", "anim.gif",
            "v.wmv", "v.flv", "chart.tar.gz", "tar.gz", "bundle.zip", ".travis.yml", ".gitlab-ci.yml", "appveyor.yml",
            ".drone.yml", "cloudbuild.yaml", "codeship-services.yml", "codeship-steps.yml", ".goreleaser.yml",
            ".sops.yaml", ".flux.yaml", ".sourceignore", "build", "node_modules", "x y", "é", "ü.yaml", "€", "*", "?",
            "[a]", "!x", "#c", "a b ", "-", "]", "^", "a**b", "**", ".", "..x", "日本.yaml");
    /** Pieces of pattern segments: names, globs, classes (some malformed) and escapes. */
    private static final List<String> PIECES = List.of("a", "b", "app", "deploy", "*", "**", "*.yaml", "*.png",
            "*.jpg", "?", "??", "[ab]", "[^a]", "[a-c]", "[!a]", "[a-]", "a[", "[", "[]", "[]a]", "[^]", "\\*",
            "\\#c", "\\!x", "\\[a]", "x\\", "[\\]]", "*.*", ".git", ".github", "workflows", "ci.yaml", ".sops.yaml",
            "cloudbuild.yaml", ".sourceignore", "logo.png", "é", "[é-ü]*", "[^é]", "€", "*€", "*?", "x y", "a b\\ ",
            "a**b", "**.yaml", "kustomization.yaml", "[a-z]*.yaml", "build", "node_modules", "[[]a]", "[a-c-e]",
            "[\\", "\\\\");

    @Test
    void goGlobAnswersAsGoFilepathMatch() throws IOException {
        Random random = new Random(SEED);
        List<String> differences = new ArrayList<>();
        int compared = 0;
        List<String> patterns = new ArrayList<>(List.of("", "*", "**", "?", "*??", "a*[", "[", "[]", "[]]", "[]a]",
                "[^]", "[^]]", "[a-]", "[-a]", "[a-b-c]", "[\\]]", "[\\", "\\", "a\\", "\\*", "[*]", "[]*]", "[a*]",
                "*a*b*c", "a*b?c*", "*.yaml", "*/b", "a/*", "[^a]*", "[é-ü]", "[^€]", "*é", "?*?", "[\\-]", "[a\\-z]",
                "[z-a]", "[!]", "[^^]", "\\[a]", "*[", "a*\\", "x*[]", "**a", "a**", "[日-本]*", "*€*", "[\\é]"));
        List<String> names = List.of("", "a", "b", "ab", "abc", "a/b", "/", "é", "€", "€€", "a€", "日本", "*", "[",
                "]", "^", "-", "\\", "x.yaml", "a.b.yaml", "a/b.yaml", "aXbYc", "abc/", "z", "a-", "!", "é€a", "\uFFFD");
        for (int i = 0; i < GENERATED_GLOBS; i++) {
            patterns.add(glob(random));
        }
        for (String pattern : patterns) {
            List<String> batch = new ArrayList<>(names);
            for (int i = 0; i < 12; i++) {
                batch.add(globName(random));
            }
            List<String> go = FluxOracle.goMatch(pattern, batch);
            GoGlob ours = GoGlob.compile(pattern);
            for (int i = 0; i < batch.size(); i++) {
                String expected = go.get(i);
                String actual = switch (ours.match(batch.get(i))) {
                    case MATCH -> "match";
                    case NO_MATCH -> "no";
                    case BAD_PATTERN -> "bad";
                };
                compared++;
                if (!expected.equals(actual)) {
                    differences.add("pattern \"" + pattern + "\" name \"" + batch.get(i) + "\": Go " + expected
                            + ", we " + actual);
                }
            }
        }
        assertThat(compared).as("names compared").isGreaterThan(100_000);
        assertThat(differences).as("patterns matched differently from Go's filepath.Match (seed " + SEED + ")")
                .isEmpty();
    }

    @Test
    void generatedTreesKeepTheFilesSourceControllerKeeps() throws IOException {
        Random random = new Random(SEED);
        List<String> differences = new ArrayList<>();
        int withDefaults = 0;
        int changed = 0;
        for (int i = 0; i < GENERATED_TREES; i++) {
            Map<String, String> files = tree(random);
            String ignore = switch (random.nextInt(10)) {
                case 0, 1, 2, 3 -> null;
                case 4 -> "";
                case 5 -> "# only a comment\n\n   \n";
                default -> ignoreText(random, files);
            };
            Set<String> kept = compare(files, ignore, differences);
            if (kept != null && kept.size() < files.size()) {
                changed++;
            }
            if (ignore == null && files.keySet().stream().noneMatch(p -> p.endsWith(SourceIgnore.FILE))) {
                withDefaults++;
            }
        }
        // The generator must exercise both regimes and actually drop files.
        assertThat(withDefaults).as("trees judged by the defaults").isGreaterThan(GENERATED_TREES / 5);
        assertThat(changed).as("trees where files were dropped").isGreaterThan(GENERATED_TREES / 2);
        assertThat(differences).as("trees filtered differently from source-controller (seed " + SEED + ")").isEmpty();
    }

    @Test
    void handWrittenCasesKeepTheFilesSourceControllerKeeps() throws IOException {
        List<String> differences = new ArrayList<>();
        Map<String, String> repoRoot = files(".github/workflows/ci.yaml", ".git/config", ".git/HEAD", ".gitignore",
                "cloudbuild.yaml", "clusters/prod/.sops.yaml", "clusters/prod/kustomization.yaml",
                "clusters/prod/app.yaml", "docs/logo.png", "docs/README.md", ".goreleaser.yml", "sub/.flux.yaml",
                "sub/.git", "sub/.github", "x/.circleci/config.yml", "charts/a.tar.gz", "charts/tar.gz");
        List<String> ignores = new ArrayList<>(List.of("", "\n", "# comment only\n", "#", "   ", "\t\n", "\r\n",
                "!", "/", "//", "\\", "*", "**", "/*", "/**", "**/", "*/", "!*", "*\n!*.png", "!.git/",
                "!.git/config", ".git", "!.github/", ".github", ".github/", "/.github/", "**/.github/**",
                "clusters/", "clusters/prod", "/clusters/prod/", "clusters/**", "clusters/**/app.yaml",
                "**/prod/app.yaml", "**/**/app.yaml", "clusters/**/**", "clusters//prod", "clusters/p*d/",
                "clusters/p**d", "**/*.yaml\n!**/kustomization.yaml", "*.yaml\n!clusters/", "app.yaml/",
                "app.yaml ", "app.yaml\\ ", "app.yaml\\  ", "app.yaml\t", "! app.yaml", "\\!app.yaml",
                "\\#app.yaml", " #app.yaml", "#app.yaml", "docs/logo.png\r\n", "[", "[]", "clusters/[",
                "*.[yj]aml", "*.[^y]aml", "cloudbuild.yaml/", "tar.gz", "*.tar.gz", "charts/*.gz", "a/**",
                "clusters/**/", "\uFEFF# a BOM makes this a pattern", "\u00a0", "\u2003", "\u200b", "\u0085",
                "x\ny\nz", "/*\n!/clusters\n/clusters/**/*.md\n/clusters/**/.sops.yaml"));
        for (String ignore : ignores) {
            compare(repoRoot, ignore, differences);
        }
        compare(repoRoot, null, differences);
        // .sourceignore files: one pattern anywhere drops the defaults; an empty or comment-only one does not;
        // a nested one applies under its directory only; one under .git is never read; a .sourceignore
        // directory is no ignore file.
        for (String content : List.of("", "# nothing\n", "app.yaml\n", "!*.png\n", "*\n", "/app.yaml\n",
                "../app.yaml\n", "prod/\n", "!.sops.yaml\n")) {
            for (String where : List.of(".sourceignore", "clusters/.sourceignore", "clusters/prod/.sourceignore",
                    ".git/.sourceignore", "docs/.git/sub/.sourceignore")) {
                Map<String, String> files = new TreeMap<>(repoRoot);
                files.remove("sub/.git");
                files.put(where, content);
                compare(files, null, differences);
                compare(files, "clusters/prod/app.yaml\n", differences);
                compare(files, "!clusters/prod/app.yaml\n", differences);
            }
        }
        Map<String, String> layered = new TreeMap<>(files("a/b/c.yaml", "a/b/d.yaml", "a/e.yaml", "f.yaml"));
        layered.put(".sourceignore", "*.yaml\n");
        layered.put("a/.sourceignore", "!*.yaml\n");
        layered.put("a/b/.sourceignore", "c.yaml\n");
        compare(layered, null, differences);
        compare(layered, "!c.yaml", differences);
        Map<String, String> dirs = new TreeMap<>(files("a/.sourceignore/x.yaml", "a/y.yaml", ".sourceignore/z"));
        compare(dirs, null, differences);
        // No backtracking after "**", "**" inside a segment, "a/**" and a file "a", names with glob characters.
        Map<String, String> odd = files("x/a/b", "a/a/b", "a/b", "a/bx", "a/c/bx", "b", "c/d", "*", "[a]", "?",
                "x.yaml", "x.yml", "é/ü.yaml", "日本/€.yaml");
        for (String ignore : List.of("**/a/b", "a/b**", "b**", "b/**", "c/**", "\\*", "\\[a]", "[a]", "\\?", "?",
                "x.y[^m]*", "é/", "[é-ü]*", "*€*", "日本", "/?/", "**/?")) {
            compare(odd, ignore, differences);
        }
        assertThat(differences).as("cases filtered differently from source-controller").isEmpty();
    }

    /** Ours against Flux's for one tree; the kept set, or null when they differ (noted). */
    private static Set<String> compare(Map<String, String> files, String ignore, List<String> differences)
            throws IOException {
        Set<String> flux = FluxOracle.sourceIgnoreKept(files, ignore);
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((p, c) -> bytes.put(p, c.getBytes(StandardCharsets.UTF_8)));
        ArtifactTree tree = ArtifactTree.of(bytes);
        Set<String> ours;
        try {
            ours = new TreeSet<>(SourceIgnore.compile(tree, ignore).filter(tree).paths());
        } catch (SourceIgnore.Refused e) {
            differences.add(describe(files, ignore) + ": we refuse (" + e.getMessage() + "), Flux keeps " + flux);
            return null;
        }
        if (!ours.equals(flux)) {
            Set<String> onlyFlux = new TreeSet<>(flux);
            onlyFlux.removeAll(ours);
            Set<String> onlyOurs = new TreeSet<>(ours);
            onlyOurs.removeAll(flux);
            differences.add(describe(files, ignore) + ": Flux alone keeps " + onlyFlux + ", we alone keep " + onlyOurs);
            return null;
        }
        return ours;
    }

    private static String describe(Map<String, String> files, String ignore) {
        Map<String, String> ignoreFiles = new TreeMap<>();
        files.forEach((p, c) -> {
            if (p.endsWith(SourceIgnore.FILE)) {
                ignoreFiles.put(p, c);
            }
        });
        return "files " + new TreeSet<>(files.keySet()) + " .sourceignore " + quoted(ignoreFiles.toString())
                + " spec.ignore " + (ignore == null ? "null" : quoted(ignore));
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "\"";
    }

    private static Map<String, String> files(String... paths) {
        Map<String, String> out = new TreeMap<>();
        for (String p : paths) {
            out.put(p, "");
        }
        return out;
    }

    /** 1 to 16 files up to 5 deep, with .sourceignore files now and then; no path both file and directory. */
    private static Map<String, String> tree(Random random) {
        TreeMap<String, String> files = new TreeMap<>();
        for (int i = 0, n = 1 + random.nextInt(16); i < n; i++) {
            List<String> segments = new ArrayList<>();
            for (int d = 0, depth = 1 + random.nextInt(random.nextInt(3) == 0 ? 5 : 3); d < depth; d++) {
                segments.add(pick(random, NAMES));
            }
            add(files, String.join("/", segments), "");
        }
        if (files.isEmpty()) {
            files.put("kustomization.yaml", "");
        }
        int ignoreFiles = random.nextInt(3) == 0 ? 1 + random.nextInt(3) : 0;
        for (int i = 0; i < ignoreFiles; i++) {
            String dir = random.nextInt(3) == 0 ? "" : dirOf(pick(random, new ArrayList<>(files.keySet())));
            add(files, (dir.isEmpty() ? "" : dir + "/") + SourceIgnore.FILE, ignoreText(random, files));
        }
        return files;
    }

    private static String dirOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** Adds {@code path} unless it is "." or ".." somewhere, or clashes with a file or directory already there. */
    private static void add(TreeMap<String, String> files, String path, String content) {
        for (String s : path.split("/")) {
            if (s.equals(".") || s.equals("..")) {
                return;
            }
        }
        if (files.containsKey(path)) {
            return;
        }
        String under = files.ceilingKey(path + "/");
        if (under != null && under.startsWith(path + "/")) {
            return;
        }
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            if (files.containsKey(path.substring(0, slash))) {
                return;
            }
        }
        files.put(path, content);
    }

    /** 0 to 6 lines: patterns (often naming a path of the tree), comments, blanks; LF or CRLF. */
    private static String ignoreText(Random random, Map<String, String> files) {
        List<String> lines = new ArrayList<>();
        List<String> paths = new ArrayList<>(files.keySet());
        for (int i = 0, n = random.nextInt(7); i < n; i++) {
            lines.add(switch (random.nextInt(12)) {
                case 0 -> "# " + pick(random, PIECES);
                case 1 -> pick(random, List.of("", "   ", "\t", " #x"));
                case 2, 3 -> decorate(random, pathPattern(random, pick(random, paths)));
                default -> decorate(random, pattern(random));
            });
        }
        String eol = random.nextInt(5) == 0 ? "\r\n" : "\n";
        String text = String.join(eol, lines);
        return random.nextBoolean() ? text + eol : text;
    }

    /** A path of the tree, or a prefix of it, with a segment now and then made a glob. */
    private static String pathPattern(Random random, String path) {
        String[] segments = path.split("/");
        int keep = 1 + random.nextInt(segments.length);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < keep; i++) {
            out.add(random.nextInt(5) == 0 ? pick(random, List.of("*", "**", "?*", "*" + segments[i].substring(
                    Math.max(0, segments[i].length() - 2)))) : segments[i]);
        }
        return String.join("/", out);
    }

    private static String pattern(Random random) {
        List<String> segments = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(random.nextInt(3) == 0 ? 4 : 2); i < n; i++) {
            segments.add(random.nextInt(4) == 0 ? pick(random, PIECES) + pick(random, PIECES) : pick(random, PIECES));
        }
        return String.join(random.nextInt(15) == 0 ? "//" : "/", segments);
    }

    /** Negation, leading and trailing slashes, trailing spaces and escapes, as users write them (and mistype). */
    private static String decorate(Random random, String pattern) {
        String p = pattern;
        if (random.nextInt(4) == 0) {
            p = "/" + p;
        }
        if (random.nextInt(4) == 0) {
            p = p + "/";
        }
        if (random.nextInt(4) == 0) {
            p = "!" + p;
        }
        if (random.nextInt(8) == 0) {
            p = p + pick(random, List.of(" ", "  ", "\\ ", "\\  ", "\t", "/ "));
        }
        if (random.nextInt(20) == 0) {
            p = pick(random, List.of("\\", "\\!", "\\#", " ")) + p;
        }
        return p;
    }

    /** A pattern over the characters Go's glob gives meaning to, and bytes of 1 to 4 in UTF-8. */
    private static String glob(Random random) {
        List<String> alphabet = List.of("a", "b", "c", "*", "*", "?", "[", "]", "^", "-", "\\", "/", "é", "€", "😀",
                "[a-c]", "[^a]", "\\*", "\\[", ".", "!");
        StringBuilder out = new StringBuilder();
        for (int i = 0, n = random.nextInt(9); i < n; i++) {
            out.append(pick(random, alphabet));
        }
        return out.toString();
    }

    private static String globName(Random random) {
        List<String> alphabet = List.of("a", "b", "c", "a", "b", "/", "é", "€", "😀", "*", "[", "]", "^", "-", "\\",
                ".", "!", "\uFFFD");
        StringBuilder out = new StringBuilder();
        for (int i = 0, n = random.nextInt(7); i < n; i++) {
            out.append(pick(random, alphabet));
        }
        return out.toString();
    }

    private static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
