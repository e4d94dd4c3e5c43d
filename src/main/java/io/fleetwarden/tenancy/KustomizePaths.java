package io.fleetwarden.tenancy;

/**
 * Checks on Kustomization {@code spec.path} and {@code spec.components[]}: relative paths inside the source
 * artifact. kustomize-controller joins them securely under the artifact root, but we refuse {@code ..},
 * absolute paths and anything that reads as a remote location, so the object says what it does.
 *
 * <p>What admission cannot see: the {@code resources:} of the kustomization.yaml files inside the artifact,
 * where remote bases ({@code https://…}, {@code git::…}, {@code github.com/org/repo//dir?ref=…}) actually
 * live. Those are the render stage's job: fleetwarden's own build never loads remote content (and Flux runs
 * with {@code --no-remote-bases}); {@link TenantManifestCheck} then judges what the build produced.
 */
final class KustomizePaths {

    private KustomizePaths() {
    }

    /** Null when fine, else the violation for {@code field}. */
    static TenancyViolation check(String field, String path) {
        String allowed = "must be a relative path inside the source artifact, such as ./staging";
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= ' ' || c > '~') {
                return new TenancyViolation("path.invalid", field, allowed + "; it contains whitespace or a "
                        + "non-ASCII character: " + Names.quote(path));
            }
        }
        if (path.contains("://") || path.contains("::") || path.startsWith("git@") || path.contains("?ref=")
                || path.startsWith("github.com/") || path.startsWith("gitlab.com/") || path.startsWith("bitbucket.org/")) {
            return new TenancyViolation("path.remote", field, allowed + "; remote locations are not allowed, got "
                    + Names.quote(path));
        }
        if (path.startsWith("/") || path.startsWith("~") || path.contains("\\")) {
            return new TenancyViolation("path.escape", field, allowed + "; absolute paths and backslashes are not "
                    + "allowed, got " + Names.quote(path));
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                return new TenancyViolation("path.escape", field, allowed + "; \"..\" is not allowed, got "
                        + Names.quote(path));
            }
        }
        return null;
    }
}
