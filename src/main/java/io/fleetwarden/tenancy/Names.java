package io.fleetwarden.tenancy;

import java.util.regex.Pattern;

/**
 * Kubernetes name syntax. Names are compared exactly: a case or whitespace variant of a namespace is not
 * "the same namespace, written differently" but an invalid name, and is denied as such instead of being
 * normalised into something it might not mean.
 */
final class Names {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");


    private Names() {
    }

    /** Namespace names: RFC 1123 label, at most 63 characters. */
    static boolean isDnsLabel(String s) {
        return s != null && DNS_LABEL.matcher(s).matches();
    }

    /** Service account (and most object) names: RFC 1123 subdomain, at most 253 characters. */
    static boolean isDnsSubdomain(String s) {
        return s != null && s.length() <= 253 && DNS_SUBDOMAIN.matcher(s).matches();
    }

    /** How a value reads in a message: quoted, bounded, invisible characters made visible. */
    static String quote(String s) {
        return io.fleetwarden.policy.Quoted.of(s);
    }
}
