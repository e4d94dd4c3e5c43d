package io.fleetwarden.verify.cosign;

import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.CheckFailure;
import io.fleetwarden.verify.SignatureVerdict;
import java.util.ArrayList;
import java.util.List;

/** Collects the failed checks of one signature, so independent checks can all be reported at once. */
final class Failures {

    private final String label;
    private final List<CheckFailure> failures = new ArrayList<>();

    Failures(String label) {
        this.label = label;
    }

    Failures add(Check check, String message) {
        failures.add(new CheckFailure(check, label, message));
        return this;
    }

    boolean isEmpty() {
        return failures.isEmpty();
    }

    boolean has(Check check) {
        return failures.stream().anyMatch(f -> f.check() == check);
    }

    SignatureVerdict.Invalid verdict() {
        return new SignatureVerdict.Invalid(label, failures);
    }

    static SignatureVerdict.Invalid single(String label, Check check, String message) {
        return new Failures(label).add(check, message).verdict();
    }
}
