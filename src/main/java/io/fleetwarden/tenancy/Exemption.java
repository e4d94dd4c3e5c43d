package io.fleetwarden.tenancy;

import java.util.Set;

/** One identity allowed to perform named operations on named kinds without tenancy checks. */
public record Exemption(String username, Set<Operation> operations, Set<String> kinds) {

    public Exemption {
        operations = Set.copyOf(operations);
        kinds = Set.copyOf(kinds);
    }

    boolean covers(String user, Operation operation, String kind) {
        return username.equals(user) && operations.contains(operation) && kinds.contains(kind);
    }
}
