package io.fleetwarden.policy.language;

import dk.brics.automaton.Automaton;

/** The character classes Go's RE2 defines, as code point sets, and the universe of well-formed strings. */
final class CodePoints {

    /** Any one code point: a non-surrogate UTF-16 unit, or a surrogate pair. */
    static final Automaton ANY_CHAR = CodePointSet.of(0, CodePointSet.MAX).automaton();
    static final Automaton ANY_STRING = ANY_CHAR.repeat();

    private CodePoints() {
    }

    static CodePointSet digit() {
        return CodePointSet.of('0', '9');
    }

    /** Go's {@code \s}: {@code [\t\n\f\r ]} (no vertical tab, unlike POSIX space). */
    static CodePointSet perlSpace() {
        return CodePointSet.of('\t', '\n').add('\f', '\r').add(' ', ' ');
    }

    static CodePointSet word() {
        return CodePointSet.of('0', '9').add('A', 'Z').add('a', 'z').add('_', '_');
    }

    /** Go's ASCII POSIX classes ({@code [[:alpha:]]}); null for an unknown name. */
    static CodePointSet posix(String name) {
        return switch (name) {
            case "alnum" -> CodePointSet.of('0', '9').add('A', 'Z').add('a', 'z');
            case "alpha" -> CodePointSet.of('A', 'Z').add('a', 'z');
            case "ascii" -> CodePointSet.of(0, 0x7F);
            case "blank" -> CodePointSet.of('\t', '\t').add(' ', ' ');
            case "cntrl" -> CodePointSet.of(0, 0x1F).add(0x7F, 0x7F);
            case "digit" -> digit();
            case "graph" -> CodePointSet.of('!', '~');
            case "lower" -> CodePointSet.of('a', 'z');
            case "print" -> CodePointSet.of(' ', '~');
            case "punct" -> CodePointSet.of('!', '/').add(':', '@').add('[', '`').add('{', '~');
            case "space" -> CodePointSet.of('\t', '\r').add(' ', ' ');
            case "upper" -> CodePointSet.of('A', 'Z');
            case "word" -> word();
            case "xdigit" -> CodePointSet.of('0', '9').add('A', 'F').add('a', 'f');
            default -> null;
        };
    }
}
