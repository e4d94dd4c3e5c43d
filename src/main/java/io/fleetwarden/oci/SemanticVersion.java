package io.fleetwarden.oci;

/**
 * A semantic version as Flux's source-controller reads OCI tags for {@code spec.ref.semver}.
 *
 * <p>Numbers are unsigned 64-bit (Masterminds/semver v3 uses {@code uint64}); read them with
 * {@link Long#toUnsignedString(long)}. {@link #compareTo} is semver 2.0 precedence: build metadata is
 * ignored and a prerelease sorts below its release. {@code equals} is structural, so {@code 1.0.0+a} and
 * {@code 1.0.0+b} are not equal yet compare as 0.
 *
 * <p>Two parsers, because Flux uses two rules:
 * <ul>
 * <li>{@link #parse} is the tag rule of {@code fluxcd/pkg/version.ParseVersion}: the text must contain at
 * least two dots, then Masterminds {@code NewVersion} (coercing) applies. So {@code v1.2.3} and
 * {@code v2025.02.03} (leading zeros dropped) are versions, {@code 1.2} and {@code latest} are not, and,
 * surprisingly, {@code 1.2-rc.1} is (the dot inside the prerelease counts), meaning {@code 1.2.0-rc.1}.</li>
 * <li>{@link #parseLoose} is Masterminds {@code NewVersion} alone ({@code 1.2} is {@code 1.2.0}), the rule
 * for versions written inside a constraint.</li>
 * </ul>
 */
public record SemanticVersion(long major, long minor, long patch, String prerelease, String build)
        implements Comparable<SemanticVersion> {

    /** OCI tags are at most 128 characters; anything far longer is not worth parsing. */
    static final int MAX_LENGTH = 256;

    public SemanticVersion {
        if (prerelease == null || build == null) {
            throw new IllegalArgumentException("prerelease and build must not be null (use \"\")");
        }
        String problem = !prerelease.isEmpty() ? SemverIdentifiers.prereleaseProblem(prerelease) : null;
        if (problem == null && !build.isEmpty()) {
            problem = SemverIdentifiers.buildProblem(build);
        }
        if (problem != null) {
            throw new IllegalArgumentException("invalid semantic version: " + problem);
        }
    }

    /** Parses a tag the way Flux does for {@code spec.ref.semver}; the message says why it is not one. */
    public static SemanticVersion parse(String tag) {
        String problem = tag == null ? "it is null" : tagProblem(tag);
        if (problem == null) {
            problem = problem(tag);
        }
        if (problem != null) {
            throw new IllegalArgumentException("invalid version \"" + tag + "\": " + problem);
        }
        return read(tag);
    }

    /** Parses like Masterminds {@code NewVersion}: {@code v} prefix, minor and patch optional. */
    public static SemanticVersion parseLoose(String text) {
        String problem = text == null ? "it is null" : problem(text);
        if (problem != null) {
            throw new IllegalArgumentException("invalid version \"" + text + "\": " + problem);
        }
        return read(text);
    }

    /**
     * Parses like Masterminds {@code StrictNewVersion}, the rule Helm and source-controller apply to chart
     * versions: exactly {@code MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]}, no {@code v} prefix, no leading zeros.
     */
    public static SemanticVersion parseStrict(String text) {
        String problem = text == null ? "it is null" : strictProblem(text);
        if (problem != null) {
            throw new IllegalArgumentException("invalid version \"" + text + "\": " + problem);
        }
        return read(text);
    }

    /** True when {@code text} is a version by Masterminds' strict rule ({@link #parseStrict}). */
    public static boolean isStrict(String text) {
        return text != null && strictProblem(text) == null;
    }

    private static String strictProblem(String text) {
        String problem = problem(text);
        if (problem != null) {
            return problem;
        }
        Scan s = Scan.of(text);
        if (text.startsWith("v") || s.minor == null || s.patch == null) {
            return "a strict version is MAJOR.MINOR.PATCH without a v prefix";
        }
        for (String n : new String[] {s.major, s.minor, s.patch}) {
            if (n.length() > 1 && n.charAt(0) == '0') {
                return "number " + n + " starts with 0";
            }
        }
        return null;
    }

    /** True when {@code tag} is a version by Flux's tag rule; lets callers skip tags without exceptions. */
    static boolean isTagVersion(String tag) {
        return tag != null && tagProblem(tag) == null && problem(tag) == null;
    }

    public boolean isPrerelease() {
        return !prerelease.isEmpty();
    }

    @Override
    public int compareTo(SemanticVersion o) {
        int d = Long.compareUnsigned(major, o.major);
        if (d == 0) {
            d = Long.compareUnsigned(minor, o.minor);
        }
        if (d == 0) {
            d = Long.compareUnsigned(patch, o.patch);
        }
        if (d != 0) {
            return Integer.signum(d);
        }
        if (prerelease.isEmpty() || o.prerelease.isEmpty()) {
            return Boolean.compare(prerelease.isEmpty(), o.prerelease.isEmpty());
        }
        return SemverIdentifiers.compare(prerelease, o.prerelease);
    }

    /** Canonical form without the {@code v} prefix, e.g. {@code 1.2.0-rc.1+build.5}. */
    @Override
    public String toString() {
        return Long.toUnsignedString(major) + "." + Long.toUnsignedString(minor) + "." + Long.toUnsignedString(patch)
                + (prerelease.isEmpty() ? "" : "-" + prerelease) + (build.isEmpty() ? "" : "+" + build);
    }

    private static String tagProblem(String tag) {
        if (tag.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        int firstDot = tag.indexOf('.');
        if (firstDot < 0 || tag.indexOf('.', firstDot + 1) < 0) {
            return "Flux needs MAJOR.MINOR.PATCH (three dot-separated parts)";
        }
        return null;
    }

    /** Masterminds' loose grammar: v?N(.N)?(.N)?(-pre)?(+build)?, N an unsigned 64-bit decimal. */
    private static String problem(String text) {
        if (text.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        Scan s = Scan.of(text);
        if (s == null) {
            return "expected [v]MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD]";
        }
        for (String n : new String[] {s.major, s.minor, s.patch}) {
            if (n != null && SemverIdentifiers.unsigned(n) == null) {
                return "number " + n + " does not fit in 64 bits";
            }
        }
        String p = s.pre == null ? null : SemverIdentifiers.prereleaseProblem(s.pre);
        return p != null ? p : s.build == null ? null : SemverIdentifiers.buildProblem(s.build);
    }

    private static SemanticVersion read(String text) {
        Scan s = Scan.of(text);
        return new SemanticVersion(Long.parseUnsignedLong(s.major), s.minor == null ? 0 : Long.parseUnsignedLong(s.minor),
                s.patch == null ? 0 : Long.parseUnsignedLong(s.patch), s.pre == null ? "" : s.pre,
                s.build == null ? "" : s.build);
    }

    /** The pieces of a loose version; null from {@link #of} when the shape is wrong. */
    private record Scan(String major, String minor, String patch, String pre, String build) {

        static Scan of(String text) {
            int i = text.startsWith("v") ? 1 : 0;
            String[] numbers = new String[3];
            for (int k = 0; k < 3; k++) {
                if (k > 0 && (i >= text.length() || text.charAt(i) != '.')) {
                    break;
                }
                int start = k == 0 ? i : i + 1;
                int end = start;
                while (end < text.length() && text.charAt(end) >= '0' && text.charAt(end) <= '9') {
                    end++;
                }
                if (end == start) {
                    return null;
                }
                numbers[k] = text.substring(start, end);
                i = end;
            }
            String rest = text.substring(i);
            int plus = rest.indexOf('+');
            String pre = null;
            String build = plus < 0 ? null : rest.substring(plus + 1);
            String head = plus < 0 ? rest : rest.substring(0, plus);
            if (!head.isEmpty()) {
                if (head.charAt(0) != '-') {
                    return null;
                }
                pre = head.substring(1);
            }
            if ((pre != null && pre.isEmpty()) || (build != null && build.isEmpty())) {
                return null;
            }
            return new Scan(numbers[0], numbers[1], numbers[2], pre, build);
        }
    }
}
