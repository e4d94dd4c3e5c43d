package io.fleetwarden.verify;

/**
 * One failed check of one signature. {@code signature} says which one ("legacy sha256-….sig layer 0",
 * "referrer sha256:…"), so a person with several signatures can tell them apart.
 */
public record CheckFailure(Check check, String signature, String message) {

    @Override
    public String toString() {
        return check + " (" + signature + "): " + message;
    }
}
