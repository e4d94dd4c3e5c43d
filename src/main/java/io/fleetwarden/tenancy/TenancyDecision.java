package io.fleetwarden.tenancy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;

/** The outcome of the tenancy rules for one admission request. */
public sealed interface TenancyDecision {

    /**
     * Admit. {@code patch} is non-empty only from {@link TenancyAdmission#mutate} (the default service account);
     * warnings go to the user ({@code AdmissionResponse.warnings}).
     */
    record Allowed(List<JsonPatchOp> patch, List<String> warnings) implements TenancyDecision {
        public Allowed {
            patch = List.copyOf(patch);
            warnings = List.copyOf(warnings);
        }

        static Allowed plain() {
            return new Allowed(List.of(), List.of());
        }

        /** The patch as the JSON array an {@code AdmissionResponse} carries (base64 of its bytes). */
        public ArrayNode patchJson() {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            patch.forEach(p -> a.add(p.toJson()));
            return a;
        }
    }

    /** Deny, with every violation found (not only the first). */
    record Denied(List<TenancyViolation> violations) implements TenancyDecision {
        public Denied {
            violations = List.copyOf(violations);
            if (violations.isEmpty()) {
                throw new IllegalArgumentException("a denial needs at least one violation");
            }
        }

        /** One line for {@code AdmissionResponse.status.message}. */
        public String message() {
            return "fleetwarden tenancy: " + String.join("; ", violations.stream().map(Object::toString).toList());
        }
    }
}
