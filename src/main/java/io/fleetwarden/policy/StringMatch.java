package io.fleetwarden.policy;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * An exact string or a regular expression, compiled once.
 *
 * <p>Regular expressions use Go's RE2 syntax and semantics (RE2J), as cosign and Flux write them, but
 * <b>must match the whole value</b>: {@code github.com/acme/fleet} does not match
 * {@code https://github.com/acme/fleet-evil/...}. Flux and cosign match unanchored (a substring), which
 * turns a forgotten {@code ^...$} into a hole; a policy is a security boundary, so we anchor. A pattern
 * written with {@code ^...$} behaves the same in both.
 */
public sealed interface StringMatch {

    boolean matches(String value);

    /** How the requirement reads in a message: {@code "x"} or {@code regex ^x$}. */
    String describe();

    static StringMatch exact(String value) {
        return new Exact(value);
    }

    /** @throws IllegalArgumentException with RE2's description of the syntax error */
    static StringMatch regex(String expression) {
        try {
            return new Regex(expression, Pattern.compile(expression));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid RE2 regular expression: " + e.getDescription(), e);
        }
    }

    record Exact(String value) implements StringMatch {
        @Override
        public boolean matches(String v) {
            return value.equals(v);
        }

        @Override
        public String describe() {
            return "\"" + value + "\"";
        }
    }

    record Regex(String expression, Pattern pattern) implements StringMatch {
        @Override
        public boolean matches(String v) {
            return v != null && pattern.matches(v);
        }

        @Override
        public String describe() {
            return "regex " + expression;
        }
    }
}
