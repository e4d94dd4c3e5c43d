package io.fleetwarden.policy.language;

/**
 * A pattern whose language cannot be built exactly: a construct with no exact translation (a word
 * boundary, a Unicode class whose tables differ between Go and Java), a pattern RE2J cannot read, or one
 * over the size and work bounds. Callers refuse the pattern with this message; they never approximate it.
 */
public final class Untranslatable extends RuntimeException {

    private final boolean syntax;

    public Untranslatable(String message) {
        this(message, false);
    }

    private Untranslatable(String message, boolean syntax) {
        super(message, null, false, false);
        this.syntax = syntax;
    }

    /** The pattern is not valid RE2 syntax (Go would reject it too). */
    static Untranslatable syntax(String message) {
        return new Untranslatable(message, true);
    }

    public boolean syntax() {
        return syntax;
    }
}
