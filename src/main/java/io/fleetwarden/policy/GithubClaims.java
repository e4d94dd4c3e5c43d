package io.fleetwarden.policy;

/** Reads the parts of GitHub Actions certificate claims that policies name. */
public final class GithubClaims {

    private static final String GITHUB = "https://github.com/";

    private GithubClaims() {
    }

    /**
     * The workflow file of a build config or signer URI:
     * {@code https://github.com/acme/fleet/.github/workflows/push.yaml@refs/heads/main} gives
     * {@code .github/workflows/push.yaml}. Null when the URI is not a GitHub workflow URI.
     */
    public static String workflowPath(String uri) {
        if (uri == null || !uri.startsWith(GITHUB)) {
            return null;
        }
        int at = uri.indexOf('@');
        String path = at < 0 ? uri.substring(GITHUB.length()) : uri.substring(GITHUB.length(), at);
        int workflows = path.indexOf("/.github/workflows/");
        return workflows < 0 ? null : path.substring(workflows + 1);
    }

    /**
     * {@code acme/fleet}, {@code github.com/acme/fleet} or {@code https://github.com/acme/fleet} as the
     * certificate writes it: {@code https://github.com/acme/fleet}.
     */
    public static String repositoryUri(String repository) {
        String r = repository.strip();
        if (r.startsWith(GITHUB)) {
            return r;
        }
        if (r.startsWith("github.com/")) {
            return "https://" + r;
        }
        return GITHUB + r;
    }
}
