package io.fleetwarden.policy;

/** One thing wrong with a policy document, at its field path: {@code spec.authorities[1].keyless.subject}. */
public record FieldViolation(String path, String message) {

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
