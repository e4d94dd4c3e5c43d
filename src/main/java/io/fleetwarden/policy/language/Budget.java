package io.fleetwarden.policy.language;

import dk.brics.automaton.Automaton;

/**
 * Bounds the work one pattern may cause, so a hostile pattern costs milliseconds, not seconds: every
 * automaton built along the way is checked against a state bound, and an operation that would go past it
 * refuses the pattern instead. The bound is far above what a real identity pattern needs (a D2 subject
 * pattern builds about 150 states).
 */
final class Budget {

    static final int MAX_STATES = 20_000;

    private final String what;

    Budget(String what) {
        this.what = what;
    }

    Automaton check(Automaton a) {
        require(a.getNumberOfStates());
        return a;
    }

    /** Refuses before building an automaton of about {@code states} states, when that is over the bound. */
    void require(long states) {
        if (states > MAX_STATES) {
            throw new Untranslatable(what + " is too complex to decide (its automaton exceeds " + MAX_STATES
                    + " states); write a simpler pattern");
        }
    }

    Automaton concat(Automaton a, Automaton b) {
        return check(a.concatenate(b));
    }

    Automaton union(Automaton a, Automaton b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return check(a.union(b));
    }
}
