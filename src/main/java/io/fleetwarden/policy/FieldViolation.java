package io.fleetwarden.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** One thing wrong with a policy document, at its field path: {@code spec.authorities[1].keyless.subject}. */
public record FieldViolation(String path, String message) {

    @Override
    public String toString() {
        return path + ": " + message;
    }

    /**
     * The fields of a document that could not be read (unknown, or of the wrong type), then what the compiler found,
     * but for what it says of a field that could not be read: read as absent, it is not also "required".
     */
    public static List<FieldViolation> withRead(List<FieldViolation> read, List<FieldViolation> compiled) {
        List<FieldViolation> all = new ArrayList<>(read);
        compiled.stream().filter(v -> read.stream().noneMatch(r -> within(v.path(), r.path()))).forEach(all::add);
        return all;
    }

    /** Whether {@code path} is {@code outer} or a field or item inside it. */
    private static boolean within(String path, String outer) {
        return path.equals(outer) || path.startsWith(outer + ".") || path.startsWith(outer + "[");
    }

    /**
     * Every violation of a document under {@code heading} ({@code policy apps is invalid}): on one line,
     * {@code heading: a: ...; b: ...}, for a document from the cluster; for one from a file, a line per violation in
     * the order of the file, each starting with where it is ({@code policies/apps.yaml:12:9: spec...: ...}).
     */
    public static String describe(String heading, List<FieldViolation> violations, FieldPositions at) {
        if (!at.located()) {
            return heading + ": " + String.join("; ", violations.stream().map(FieldViolation::toString).toList());
        }
        record Located(Optional<FieldPositions.Position> at, FieldViolation v) {
        }
        List<Located> located = new ArrayList<>();
        violations.forEach(v -> located.add(new Located(at.of(v.path()), v)));
        located.sort(Comparator.comparing((Located l) -> l.at().map(FieldPositions.Position::line).orElse(Integer.MAX_VALUE))
                .thenComparing(l -> l.at().map(FieldPositions.Position::column).orElse(Integer.MAX_VALUE)));
        StringBuilder sb = new StringBuilder(heading).append(':');
        for (Located l : located) {
            sb.append("\n  ").append(l.at().map(p -> p + ": ").orElse("")).append(l.v());
        }
        return sb.toString();
    }
}
