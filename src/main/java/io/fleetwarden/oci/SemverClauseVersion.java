package io.fleetwarden.oci;

import io.fleetwarden.oci.SemverClause.Operator;
import io.fleetwarden.oci.SemverClause.Wildcard;
import java.util.function.Function;

/**
 * The version half of a constraint clause, read as Masterminds {@code parseConstraint} does: up to three
 * parts, each digits or a wildcard ({@code x}, {@code X}, {@code *}); the first wildcard or missing part
 * decides the {@link Wildcard} level, later parts are ignored, and the bound is that prefix padded with
 * zeros plus the prerelease (build metadata survives only on a fully written version).
 */
final class SemverClauseVersion {

    private SemverClauseVersion() {
    }

    static SemverClause read(Operator op, String version, String clauseText,
            Function<String, IllegalArgumentException> fail) {
        String notAVersion = "\"" + version + "\" is not a version";
        String body = version.startsWith("v") ? version.substring(1) : version;
        int plus = body.indexOf('+');
        String build = plus < 0 ? "" : body.substring(plus + 1);
        String head = plus < 0 ? body : body.substring(0, plus);
        int dash = head.indexOf('-');
        String pre = dash < 0 ? "" : head.substring(dash + 1);
        String core = dash < 0 ? head : head.substring(0, dash);
        if ((plus >= 0 && build.isEmpty()) || (dash >= 0 && pre.isEmpty())) {
            throw fail.apply(notAVersion);
        }
        String[] parts = core.split("\\.", -1);
        if (parts.length > 3) {
            throw fail.apply(notAVersion);
        }
        for (String part : parts) {
            if (!SemverIdentifiers.isDigits(part) && !isWildcard(part)) {
                throw fail.apply(notAVersion);
            }
        }
        String problem = pre.isEmpty() ? null : SemverIdentifiers.prereleaseProblem(pre);
        if (problem == null && !build.isEmpty()) {
            problem = SemverIdentifiers.buildProblem(build);
        }
        if (problem != null) {
            throw fail.apply(notAVersion + ": " + problem);
        }
        Wildcard wildcard = wildcardOf(parts);
        long[] numbers = new long[3];
        int used = wildcard == Wildcard.NONE ? 3 : wildcard.ordinal() - 1;
        for (int i = 0; i < used; i++) {
            Long n = SemverIdentifiers.unsigned(parts[i]);
            if (n == null) {
                throw fail.apply(notAVersion + ": number " + parts[i] + " does not fit in 64 bits");
            }
            numbers[i] = n;
        }
        SemanticVersion bound = new SemanticVersion(numbers[0], numbers[1], numbers[2], pre,
                wildcard == Wildcard.NONE ? build : "");
        return new SemverClause(op, bound, wildcard, clauseText.strip());
    }

    private static Wildcard wildcardOf(String[] parts) {
        if (isWildcard(parts[0])) {
            return Wildcard.MAJOR;
        }
        if (parts.length < 2 || isWildcard(parts[1])) {
            return Wildcard.MINOR;
        }
        if (parts.length < 3 || isWildcard(parts[2])) {
            return Wildcard.PATCH;
        }
        return Wildcard.NONE;
    }

    private static boolean isWildcard(String part) {
        return part.equals("x") || part.equals("X") || part.equals("*");
    }
}
