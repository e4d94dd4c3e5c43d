package io.fleetwarden.apply;

import java.util.List;
import java.util.Objects;

/** Whom the API server should see acting: a tenant's service account, or our own identity. */
public sealed interface Impersonation {

    /** Our own service account: for Kustomizations that name no {@code serviceAccountName}. */
    Impersonation NONE = new None();

    static Impersonation serviceAccount(String namespace, String name) {
        return new ServiceAccount(namespace, name);
    }

    /** How messages name the actor. */
    String describe();

    record None() implements Impersonation {
        @Override
        public String describe() {
            return "fleetwarden";
        }
    }

    /**
     * A service account, impersonated exactly as the API server authenticates its tokens: user
     * {@code system:serviceaccount:<ns>:<name>} in groups {@code system:serviceaccounts},
     * {@code system:serviceaccounts:<ns>} and {@code system:authenticated}. Without the groups, a RoleBinding to
     * "all service accounts of the namespace" would not apply to the impersonated tenant.
     */
    record ServiceAccount(String namespace, String name) implements Impersonation {

        public ServiceAccount {
            requireName(namespace, "namespace");
            requireName(name, "name");
        }

        public String username() {
            return "system:serviceaccount:" + namespace + ":" + name;
        }

        public List<String> groups() {
            return List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated");
        }

        @Override
        public String describe() {
            return "serviceaccount " + namespace + "/" + name;
        }

        /** A ':' or an empty part would let one tenant's name spell another identity. */
        private static void requireName(String value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isEmpty() || value.indexOf(':') >= 0) {
                throw new IllegalArgumentException("service account " + what + " '" + value
                        + "' must be non-empty and hold no ':'");
            }
        }
    }
}
