package io.fleetwarden.tenancy;

/** What a namespace is under the rules. */
public sealed interface NamespaceClass {

    /** Listed as platform, or simply not a tenant: tenancy rules do not apply to objects in it. */
    record Platform() implements NamespaceClass {
    }

    /** A tenant namespace and the first {@code tenants[]} entry that covers it. */
    record TenantNamespace(Tenant tenant, boolean configured) implements NamespaceClass {
    }

    /** Its labels are not known, so whether it is a tenant cannot be decided: callers deny. */
    record Unknown() implements NamespaceClass {
    }
}
