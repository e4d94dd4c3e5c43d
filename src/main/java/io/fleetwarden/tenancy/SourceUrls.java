package io.fleetwarden.tenancy;

import java.util.List;

/**
 * Syntax checks on source URLs and on the patterns that allow them, run before any pattern is matched.
 *
 * <p>A {@code *} in an allowed pattern matches any run of characters, so {@code oci://ghcr.io/acme/*} would
 * also match {@code oci://ghcr.io/acme/../evil/x} or {@code https://github.com/acme/%2e%2e/evil}, which
 * registries and Git hosts may resolve outside {@code acme}. Rather than guess how each client normalises,
 * a URL is only considered if it is already in plain form: a small character set (no {@code %}, {@code ?},
 * {@code #}, {@code \}, whitespace or non-ASCII), no {@code .} or {@code ..} segments and no empty segments.
 * A pattern must name its host literally, so {@code *} can never reach into the host or port.
 */
final class SourceUrls {

    static final List<String> SCHEMES = List.of("oci://", "https://", "http://", "ssh://");
    private static final int MAX_LENGTH = 2048;
    private static final String URL_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/@+=";

    private SourceUrls() {
    }

    /** Null when {@code url} may be matched against patterns, else what is wrong with it. */
    static String problem(String url) {
        return problem(url, false);
    }

    /** Null when {@code pattern} is a usable allowlist entry, else what is wrong with it. */
    static String patternProblem(String pattern) {
        String p = problem(pattern, true);
        if (p != null) {
            return p;
        }
        String rest = pattern.substring(pattern.indexOf("://") + 3);
        int slash = rest.indexOf('/');
        int star = rest.indexOf('*');
        if (slash <= 0 || (star >= 0 && star < slash)) {
            return "must name the host literally and continue with a path, such as oci://ghcr.io/acme/apps/*";
        }
        if (!rest.substring(0, slash).equals(rest.substring(0, slash).toLowerCase(java.util.Locale.ROOT))) {
            return "host must be lower case";
        }
        return null;
    }

    private static String problem(String url, boolean pattern) {
        if (url == null || url.isEmpty()) {
            return "is required";
        }
        if (url.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        String scheme = SCHEMES.stream().filter(url::startsWith).findFirst().orElse(null);
        if (scheme == null) {
            return "must start with one of " + SCHEMES;
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (URL_CHARS.indexOf(c) < 0 && !(pattern && c == '*')) {
                return "contains " + Names.quote(String.valueOf(c)) + "; only letters, digits and -._~:/@+= are "
                        + "accepted (no percent-encoding, query, fragment or whitespace)";
            }
        }
        String[] segments = url.substring(scheme.length()).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean trailingSlash = i == segments.length - 1 && i > 0;
            if (s.equals(".") || s.equals("..") || (s.isEmpty() && !trailingSlash)) {
                return "must not contain empty, \".\" or \"..\" path segments";
            }
        }
        return null;
    }
}
