package io.fleetwarden.health;

/** The outcome of evaluating a boolean CEL expression: its value, or why there is none. */
public sealed interface CelEvaluation {

    record Value(boolean value) implements CelEvaluation {
    }

    /** An evaluation error or a result that is not a bool; the message names the expression. */
    record Error(String message) implements CelEvaluation {
    }
}
