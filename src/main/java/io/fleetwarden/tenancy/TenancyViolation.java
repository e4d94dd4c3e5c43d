package io.fleetwarden.tenancy;

/**
 * Why a request is denied: the rule (a stable id such as {@code ref.cross-namespace}), the field
 * ({@code spec.sourceRef.namespace}) and a message that says what would be allowed.
 */
public record TenancyViolation(String rule, String field, String message) {

    @Override
    public String toString() {
        return "[" + rule + "] " + field + ": " + message;
    }
}
