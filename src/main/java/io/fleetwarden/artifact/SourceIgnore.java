package io.fleetwarden.artifact;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The files Flux's source-controller v1.9.4 keeps of an extracted OCIRepository layer: after extracting, it archives
 * the directory again through a source-ignore filter, so the artifact a Kustomization builds lacks whatever the
 * filter drops (a {@code .github/workflows/ci.yaml}, a {@code .sops.yaml}, a {@code cloudbuild.yaml}, images). A
 * layer kept unchanged ({@code layerSelector.operation: copy}) is not filtered. Compiled once per tree and
 * {@code spec.ignore}; {@link #filter} gives the kept tree. No I/O.
 *
 * <p>The rules, as source-controller composes them ({@code sourceignore.LoadIgnorePatterns}, {@code ReadPatterns},
 * {@code storage.SourceIgnoreFilter} of {@code fluxcd/pkg} sourceignore v0.18.0 and artifact v0.18.0):
 * <ul>
 * <li>Every {@code .sourceignore} file of the tree is read, each applying only under its own directory; those
 * inside a directory named {@code .git} are not (source-controller does not descend there). Then
 * {@code spec.ignore}, applying to the whole tree. A line starting with {@code #} is a comment, a line of white
 * space is skipped; every other line is a pattern ({@link IgnorePattern}), even one that can match nothing.</li>
 * <li>Without a single pattern from those, the defaults apply: {@link #VCS} and {@link #DEFAULTS}. With any
 * pattern at all (one line in one {@code .sourceignore} anywhere, or in {@code spec.ignore}), only {@link #VCS}
 * stays below them: the default exclusions ({@code *.png}, {@code .github/}, {@code .sops.yaml}, ...) are gone,
 * not merely overridable.</li>
 * <li>The last pattern that matches a path decides, {@code !} patterns re-including. Priority rises from
 * {@link #VCS} (and the defaults) through the {@code .sourceignore} files, a directory's before its
 * subdirectories', to {@code spec.ignore}. The order of sibling directories cannot matter: their patterns never
 * apply to the same path.</li>
 * <li>Every file is judged on its own path, never through its directory: a file under an excluded directory can
 * be re-included, and a directory emptied by the filter simply has no files in the tree. The
 * {@code .sourceignore} files themselves are kept unless a pattern matches them.</li>
 * </ul>
 *
 * <p>Bounded, so that neither a pathological {@code spec.ignore} nor an artifact can make us spend unbounded CPU or
 * memory (source-controller itself has no such bounds): {@value #MAX_LINE_BYTES} bytes per line (comments
 * included), {@value #MAX_PATTERNS_PER_SOURCE} patterns per {@code .sourceignore} file or {@code spec.ignore},
 * {@value #MAX_PATTERNS} patterns in all, and {@value #MAX_COMPARISONS} glob comparisons for one
 * {@link #filter} of a tree. Past a bound we refuse ({@link Refused}, {@link IllegalArgumentException} for
 * {@code spec.ignore}) rather than keep other files than Flux would.
 */
public final class SourceIgnore {

    /** The name of an ignore file, in any directory of the tree. */
    public static final String FILE = ".sourceignore";

    /** Always below every other pattern: {@code sourceignore.ExcludeVCS}. */
    public static final List<String> VCS = List.of(".git/", ".gitignore", ".gitmodules", ".gitattributes");

    /**
     * Only when no {@code .sourceignore} and no {@code spec.ignore} gives a pattern: {@code ExcludeExt},
     * {@code ExcludeCI} and {@code ExcludeExtra}, in that order.
     */
    public static final List<String> DEFAULTS = List.of("*.jpg", "*.jpeg", "*.gif", "*.png", "*.wmv", "*.flv",
            "*.tar.gz", "*.zip", ".github/", ".circleci/", ".travis.yml", ".gitlab-ci.yml", "appveyor.yml",
            ".drone.yml", "cloudbuild.yaml", "codeship-services.yml", "codeship-steps.yml", "**/.goreleaser.yml",
            "**/.sops.yaml", "**/.flux.yaml");

    /**
     * The longest line read, in bytes without its line end. Comments count too: Go's line scanner stops at
     * 64 KiB and silently drops the rest of the file, which we must never imitate by accident, so we refuse well
     * below that. A pattern is a path at most; Linux paths end at 4,096 bytes.
     */
    public static final int MAX_LINE_BYTES = 4_096;
    /** Patterns in one {@code .sourceignore} file, or in {@code spec.ignore}. */
    public static final int MAX_PATTERNS_PER_SOURCE = 1_000;
    /** Patterns of all {@code .sourceignore} files and {@code spec.ignore} together (each costs a few objects). */
    public static final int MAX_PATTERNS = 10_000;
    /**
     * Glob comparisons (a term of a pattern against a name's bytes, a place a star tries, a pattern tried) in one
     * {@link #filter}. Measured over 20,000 files (the archive's entry limit, {@link ArchiveLimits#defaults()}) six
     * directories deep: the defaults take 13 million (0.1 s), a {@code spec.ignore} of 100 {@code **}-patterns
     * 52 million (0.25 s). A hostile mix of many star-heavy patterns and long names would take hundreds of
     * billions (minutes); this stops it after about a second.
     */
    public static final long MAX_COMPARISONS = 300_000_000L;

    /** source-controller's reason when it cannot load the ignore rules; ours when we refuse to evaluate them. */
    public static final String REASON = "SourceIgnoreError";

    private static final List<IgnorePattern> VCS_PATTERNS = patterns(VCS);
    private static final List<IgnorePattern> DEFAULT_PATTERNS = concat(VCS_PATTERNS, patterns(DEFAULTS));

    private final List<IgnorePattern> base;
    /** The patterns of each {@code .sourceignore} read, by its directory ({@code ""} for the root). */
    private final Map<String, List<IgnorePattern>> byDirectory;
    private final List<IgnorePattern> spec;

    private SourceIgnore(List<IgnorePattern> base, Map<String, List<IgnorePattern>> byDirectory,
            List<IgnorePattern> spec) {
        this.base = base;
        this.byDirectory = byDirectory;
        this.spec = spec;
    }

    /**
     * The rules of {@code tree}'s {@code .sourceignore} files and {@code specIgnore}.
     *
     * @param specIgnore the OCIRepository's {@code spec.ignore}; null when absent
     * @throws Refused                  when a {@code .sourceignore} file of the tree exceeds a bound
     * @throws IllegalArgumentException when {@code specIgnore} does ({@link #checkSpec})
     */
    public static SourceIgnore compile(ArtifactTree tree, String specIgnore) throws Refused {
        List<IgnorePattern> fromSpec = specPatterns(specIgnore);
        int total = fromSpec.size();
        Map<String, List<IgnorePattern>> byDirectory = new HashMap<>();
        for (String path : tree.paths()) {
            int slash = path.lastIndexOf('/');
            String name = path.substring(slash + 1);
            String directory = slash < 0 ? "" : path.substring(0, slash);
            if (!name.equals(FILE) || underGit(directory)) {
                continue;
            }
            List<String> domain = directory.isEmpty() ? List.of() : List.of(directory.split("/"));
            List<IgnorePattern> read;
            try {
                read = read(tree.readShared(path).orElseThrow(), domain);
            } catch (IllegalArgumentException e) {
                throw new Refused(path + ": " + e.getMessage());
            }
            total += read.size();
            if (total > MAX_PATTERNS) {
                throw new Refused("the .sourceignore files and spec.ignore hold more than " + MAX_PATTERNS
                        + " patterns in all (at " + path + ")");
            }
            if (!read.isEmpty()) {
                byDirectory.put(directory, read);
            }
        }
        return new SourceIgnore(total == 0 ? DEFAULT_PATTERNS : VCS_PATTERNS, Map.copyOf(byDirectory), fromSpec);
    }

    /**
     * Checks {@code specIgnore} against the bounds.
     *
     * @throws IllegalArgumentException naming {@code spec.ignore}, the line and the bound
     */
    public static void checkSpec(String specIgnore) {
        specPatterns(specIgnore);
    }

    private static List<IgnorePattern> specPatterns(String specIgnore) {
        if (specIgnore == null) {
            return List.of();
        }
        try {
            return read(specIgnore.getBytes(StandardCharsets.UTF_8), List.of());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spec.ignore: " + e.getMessage(), e);
        }
    }

    /**
     * The files of {@code tree} that source-controller would archive; {@code tree} itself when it keeps them all.
     *
     * @throws Refused when judging the tree would take more than {@link #MAX_COMPARISONS}
     */
    public ArtifactTree filter(ArtifactTree tree) throws Refused {
        return filter(tree, MAX_COMPARISONS);
    }

    /** {@link #filter} within {@code maxComparisons} (a test's small bound). */
    ArtifactTree filter(ArtifactTree tree, long maxComparisons) throws Refused {
        GoGlob.Budget budget = new GoGlob.Budget(maxComparisons);
        try {
            return tree.retain(path -> !excludes(path, budget));
        } catch (GoGlob.Budget.Exhausted e) {
            throw new Refused("judging the " + tree.fileCount() + " files against the ignore rules takes more than "
                    + maxComparisons + " comparisons; simplify spec.ignore or the .sourceignore files");
        }
    }

    /** Whether {@code path}, a file, is left out: the last matching pattern, most important first. */
    private boolean excludes(String path, GoGlob.Budget budget) {
        List<String> segments = List.of(path.split("/"));
        byte[][] names = new byte[segments.size()][];
        for (int i = 0; i < names.length; i++) {
            names[i] = segments.get(i).getBytes(StandardCharsets.UTF_8);
        }
        IgnorePattern.Verdict verdict = lastMatch(spec, segments, names, budget);
        // The .sourceignore files of the file's directory and of each one above it, deepest first.
        for (int depth = segments.size() - 1; depth >= 0 && verdict == IgnorePattern.Verdict.NO_MATCH; depth--) {
            List<IgnorePattern> local = byDirectory.get(String.join("/", segments.subList(0, depth)));
            if (local != null) {
                verdict = lastMatch(local, segments, names, budget);
            }
        }
        if (verdict == IgnorePattern.Verdict.NO_MATCH) {
            verdict = lastMatch(base, segments, names, budget);
        }
        return verdict == IgnorePattern.Verdict.EXCLUDE;
    }

    private static IgnorePattern.Verdict lastMatch(List<IgnorePattern> patterns, List<String> segments,
            byte[][] names, GoGlob.Budget budget) {
        for (int i = patterns.size() - 1; i >= 0; i--) {
            budget.spend(1);
            IgnorePattern.Verdict v = patterns.get(i).match(segments, names, false, budget);
            if (v != IgnorePattern.Verdict.NO_MATCH) {
                return v;
            }
        }
        return IgnorePattern.Verdict.NO_MATCH;
    }

    /** Whether {@code directory} is, or lies under, a directory named {@code .git}. */
    private static boolean underGit(String directory) {
        for (String segment : directory.split("/")) {
            if (segment.equals(".git")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The patterns of an ignore file's bytes, as Go's line scanner and {@code sourceignore.ReadPatterns} read them:
     * lines end at {@code \n}, one {@code \r} before it (or at the end) is dropped; a line starting with {@code #}
     * is a comment; a line that is empty or only white space (Go's {@code unicode.IsSpace}) is skipped.
     *
     * @throws IllegalArgumentException when a line or the count of patterns exceeds its bound
     */
    static List<IgnorePattern> read(byte[] text, List<String> domain) {
        List<IgnorePattern> out = new ArrayList<>();
        int start = 0;
        int number = 0;
        while (start < text.length) {
            int end = start;
            while (end < text.length && text[end] != '\n') {
                end++;
            }
            number++;
            int next = end + 1;
            if (end > start && text[end - 1] == '\r') {
                end--;
            }
            if (end - start > MAX_LINE_BYTES) {
                throw new IllegalArgumentException("line " + number + " is longer than " + MAX_LINE_BYTES + " bytes");
            }
            String line = new String(text, start, end - start, StandardCharsets.UTF_8);
            start = next;
            if (line.startsWith("#") || blank(line)) {
                continue;
            }
            if (out.size() == MAX_PATTERNS_PER_SOURCE) {
                throw new IllegalArgumentException("more than " + MAX_PATTERNS_PER_SOURCE + " patterns");
            }
            out.add(IgnorePattern.parse(line, domain));
        }
        return List.copyOf(out);
    }

    /** Whether {@code line} is all white space as Go's {@code strings.TrimSpace} sees it (empty included). */
    private static boolean blank(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (!goSpace(line.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Go's {@code unicode.IsSpace}, which differs from {@link Character#isWhitespace}: it counts U+0085, U+00A0,
     * U+2007 and U+202F, and not U+001C to U+001F. Every such character is in the Basic Multilingual Plane.
     */
    static boolean goSpace(char c) {
        return switch (c) {
            case '\t', '\n', 0x0b, '\f', '\r', ' ', 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000 -> true;
            default -> c >= 0x2000 && c <= 0x200a;
        };
    }

    private static List<IgnorePattern> patterns(List<String> lines) {
        return lines.stream().map(l -> IgnorePattern.parse(l, List.of())).toList();
    }

    private static List<IgnorePattern> concat(List<IgnorePattern> a, List<IgnorePattern> b) {
        List<IgnorePattern> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /**
     * Ignore rules we will not evaluate, from a {@code .sourceignore} of the artifact or their cost over its tree:
     * the artifact is refused (the one held before stays in use), with source-controller's reason for ignore rules
     * it cannot load.
     */
    public static final class Refused extends ArtifactPullException {
        public Refused(String message) {
            super(REASON, "ignore rules refused: " + message);
        }
    }
}
