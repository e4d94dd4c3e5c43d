package io.fleetwarden.artifact;

import java.util.List;

/**
 * One line of a {@code .sourceignore} file or of an OCIRepository's {@code spec.ignore}, read and matched as Flux's
 * source-controller v1.9.4 does: by the gitignore package that {@code fluxcd/pkg/sourceignore} v0.18.0 carries, a
 * copy of go-git's ({@code plumbing/format/gitignore}, unchanged). That package is not git: where the two differ, we
 * follow it, since the point is to keep exactly the files Flux keeps. The differences a user may meet:
 * <ul>
 * <li>A pattern that matches a directory matches every path under it, and a pattern with a slash matches a
 * <em>prefix</em> of the path: {@code deploy/app} excludes {@code deploy/app/x.yaml}. Files are judged one by one
 * (no directory is skipped), so {@code !} re-includes a file under an excluded directory, which git refuses.</li>
 * <li>{@code a/**} also matches a file named {@code a} itself.</li>
 * <li>{@code **} is special only as a whole segment of a pattern with a slash; inside such a segment
 * ({@code a/b**}) the pattern matches nothing; in a pattern without a slash ({@code **.yaml}) it is a plain star.</li>
 * <li>After {@code **}, the next segment is matched against the first path element it fits and the search is
 * not resumed if a later segment then fails: {@code **}{@code /a/b} does not match {@code a/a/b}.</li>
 * <li>Only spaces are trimmed from the end (not tabs), and not when the line ends in {@code "\ "}. A leading
 * {@code !} is taken off before that, so {@code "! a"} re-includes {@code " a"}.</li>
 * </ul>
 *
 * <p>The path segments of a pattern are {@link GoGlob}s; a malformed one makes the pattern match nothing.
 *
 * @see SourceIgnore
 */
public final class IgnorePattern {

    /** What one pattern says of a path. */
    public enum Verdict {
        NO_MATCH,
        EXCLUDE,
        INCLUDE
    }

    private static final String ANY_DIRECTORIES = "**";

    private final String line;
    private final List<String> domain;
    private final boolean include;
    private final boolean dirOnly;
    /** Whether the pattern held a slash (after the trailing one was taken off): matched from its domain's root. */
    private final boolean anchored;
    private final String[] segments;
    private final GoGlob[] globs;

    private IgnorePattern(String line, List<String> domain, boolean include, boolean dirOnly, boolean anchored,
            String[] segments) {
        this.line = line;
        this.domain = domain;
        this.include = include;
        this.dirOnly = dirOnly;
        this.anchored = anchored;
        this.segments = segments;
        this.globs = new GoGlob[segments.length];
        for (int i = 0; i < segments.length; i++) {
            globs[i] = GoGlob.compile(segments[i]);
        }
    }

    /**
     * {@code line} as a pattern that applies under {@code domain} (the directory of its {@code .sourceignore}, as
     * path segments; empty for the root and for {@code spec.ignore}). The line is taken as it is: skipping comments
     * and blank lines is the reader's job ({@link SourceIgnore}).
     */
    public static IgnorePattern parse(String line, List<String> domain) {
        String p = line;
        boolean include = p.startsWith("!");
        if (include) {
            p = p.substring(1);
        }
        if (!p.endsWith("\\ ")) {
            int end = p.length();
            while (end > 0 && p.charAt(end - 1) == ' ') {
                end--;
            }
            p = p.substring(0, end);
        }
        boolean dirOnly = p.endsWith("/");
        if (dirOnly) {
            p = p.substring(0, p.length() - 1);
        }
        return new IgnorePattern(line, List.copyOf(domain), include, dirOnly, p.contains("/"), p.split("/", -1));
    }

    /** The line this pattern was read from. */
    public String line() {
        return line;
    }

    public List<String> domain() {
        return domain;
    }

    /**
     * What this pattern says of {@code path} (segments from the artifact root): nothing unless the path lies
     * strictly under the domain; else {@link Verdict#EXCLUDE}, or {@link Verdict#INCLUDE} for a {@code !} pattern,
     * when it matches.
     *
     * @param name  the UTF-8 bytes of the path's segments, as {@link GoGlob} matches them
     * @param isDir whether the path is a directory (an artifact tree judges files only)
     */
    public Verdict match(List<String> path, byte[][] name, boolean isDir, GoGlob.Budget budget) {
        int d = domain.size();
        if (path.size() <= d) {
            return Verdict.NO_MATCH;
        }
        for (int i = 0; i < d; i++) {
            if (!path.get(i).equals(domain.get(i))) {
                return Verdict.NO_MATCH;
            }
        }
        boolean matched = anchored ? matchesFromRoot(name, d, isDir, budget) : matchesAnySegment(name, d, isDir,
                budget);
        if (!matched) {
            return Verdict.NO_MATCH;
        }
        return include ? Verdict.INCLUDE : Verdict.EXCLUDE;
    }

    /**
     * A pattern without a slash: some segment of the path matches it. A directory-only pattern may not match the
     * last segment of a file, but then nothing later can match either, so the answer is no. A malformed glob ends
     * the search (it can match no segment anyway).
     */
    private boolean matchesAnySegment(byte[][] name, int from, boolean isDir, GoGlob.Budget budget) {
        for (int i = from; i < name.length; i++) {
            GoGlob.Result r = globs[0].match(name[i], 0, name[i].length, budget);
            if (r == GoGlob.Result.BAD_PATTERN) {
                return false;
            }
            if (r == GoGlob.Result.MATCH) {
                return !(dirOnly && !isDir && i == name.length - 1);
            }
        }
        return false;
    }

    /**
     * A pattern with a slash: its segments, in order, match the path's from the domain on, and the path may go on
     * below (a matched directory covers its contents). Empty segments (a leading slash, {@code a//b}) are skipped;
     * {@code **} lets the next segment match further down, at the first path element it fits; a trailing
     * {@code **} matches whatever is left, nothing included.
     */
    private boolean matchesFromRoot(byte[][] name, int from, boolean isDir, GoGlob.Budget budget) {
        boolean matched = false;
        boolean descend = false;
        int at = from;
        for (int s = 0; s < segments.length; s++) {
            String segment = segments[s];
            if (segment.isEmpty()) {
                descend = false;
                continue;
            }
            if (segment.equals(ANY_DIRECTORIES)) {
                if (s == segments.length - 1) {
                    break;
                }
                descend = true;
                continue;
            }
            if (segment.contains(ANY_DIRECTORIES)) {
                return false;
            }
            if (at == name.length) {
                return false;
            }
            if (descend) {
                descend = false;
                matched = false;
                while (at < name.length) {
                    byte[] element = name[at++];
                    GoGlob.Result r = globs[s].match(element, 0, element.length, budget);
                    if (r == GoGlob.Result.BAD_PATTERN) {
                        return false;
                    }
                    if (r == GoGlob.Result.MATCH) {
                        matched = true;
                        break;
                    }
                }
            } else {
                byte[] element = name[at];
                if (globs[s].match(element, 0, element.length, budget) != GoGlob.Result.MATCH) {
                    return false;
                }
                matched = true;
                at++;
            }
        }
        return matched && !(dirOnly && !isDir && at == name.length);
    }

    @Override
    public String toString() {
        return domain.isEmpty() ? line : String.join("/", domain) + ": " + line;
    }
}
