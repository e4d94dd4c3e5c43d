package io.fleetwarden.policy;

/** One claim of a signer that an authority does not accept, with what it found and what it wanted. */
public record ClaimMismatch(Claim claim, String message) {

    static ClaimMismatch of(Claim claim, String what, String found, String wanted) {
        return new ClaimMismatch(claim, what + " is " + (found == null ? "absent" : "\"" + found + "\"")
                + ", policy requires " + wanted);
    }
}
