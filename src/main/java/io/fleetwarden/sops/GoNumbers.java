package io.fleetwarden.sops;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * Go's {@code strconv} and {@code time} parsing of the typed values SOPS stores ({@code int}, {@code float},
 * {@code bool}, {@code time}), as its cipher converts them. A plaintext that does not parse fails; the message
 * names the path and the type, never the plaintext (SOPS's own message quotes it).
 */
final class GoNumbers {

    private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
    private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");

    private GoNumbers() {
    }

    /** {@code strconv.Atoi}: an optional sign and decimal digits, within int64. */
    static long atoi(String s, String where) throws SopsException {
        String digits = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new SopsException("the value at '" + where + "' is not an int");
        }
        try {
            return Long.parseLong(s.startsWith("+") ? digits : s);
        } catch (NumberFormatException e) {
            throw new SopsException("the value at '" + where + "' is out of the int range");
        }
    }

    /**
     * {@code strconv.ParseFloat(s, 64)} for the forms SOPS writes ({@code FormatFloat(v, 'f', -1, 64)}) and
     * decimal input generally. Infinities and NaN are refused: a JSON document cannot hold them, and SOPS's JSON
     * output fails on them too.
     */
    static double parseFloat(String s, String where) throws SopsException {
        if (!s.matches("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
            throw new SopsException("the value at '" + where + "' is not a float SOPS writes");
        }
        double v = Double.parseDouble(s);
        if (Double.isInfinite(v)) {
            throw new SopsException("the value at '" + where + "' is out of the float range");
        }
        return v;
    }

    static boolean parseBool(String s, String where) throws SopsException {
        if (TRUE.contains(s)) {
            return true;
        }
        if (FALSE.contains(s)) {
            return false;
        }
        throw new SopsException("the value at '" + where + "' is not a bool");
    }

    /** {@code time.Time.UnmarshalText}: RFC 3339 with optional fractional seconds. */
    static OffsetDateTime parseTime(String s, String where) throws SopsException {
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException e) {
            throw new SopsException("the value at '" + where + "' is not an RFC 3339 time");
        }
    }

    /**
     * How Go's {@code time.Time.MarshalJSON} writes a time back: RFC 3339 with nanoseconds, trailing zeros of the
     * fraction dropped, {@code Z} for a zero offset.
     */
    static String formatTime(OffsetDateTime t) {
        StringBuilder out = new StringBuilder(t.toLocalDateTime().withNano(0).format(
                DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")));
        if (t.getNano() != 0) {
            String fraction = String.format("%09d", t.getNano()).replaceAll("0+$", "");
            out.append('.').append(fraction);
        }
        out.append(t.getOffset().getTotalSeconds() == 0 ? "Z" : t.getOffset().getId());
        return out.toString();
    }
}
