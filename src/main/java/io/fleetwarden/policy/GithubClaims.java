package io.fleetwarden.policy;

import java.util.List;

/**
 * Reads the parts of GitHub Actions certificate claims that policies name, and knows the values the enumerated ones
 * can take: the one place a policy's {@code runnerEnvironment} and {@code buildTriggers} are checked against.
 */
public final class GithubClaims {

    private static final String GITHUB = "https://github.com/";

    /**
     * Fulcio's Runner Environment extension (1.3.6.1.4.1.57264.1.11), from the {@code runner_environment} claim of
     * GitHub's OIDC token: the run was on a runner GitHub hosts or on one of the repository owner's.
     */
    public static final List<String> RUNNER_ENVIRONMENTS = List.of("github-hosted", "self-hosted");

    /**
     * Fulcio's Build Trigger extension (1.3.6.1.4.1.57264.1.20), from the {@code event_name} claim: the event that
     * started the run, one of GitHub's "Events that trigger workflows" (docs.github.com, Actions reference), in
     * alphabetical order. {@code workflow_call} is listed there but is no event of a run: a called workflow runs with
     * its caller's event ({@link #CALLED_WORKFLOW}).
     */
    public static final List<String> BUILD_TRIGGERS = List.of("branch_protection_rule", "check_run", "check_suite",
            "create", "delete", "deployment", "deployment_status", "discussion", "discussion_comment", "fork", "gollum",
            "image_version", "issue_comment", "issues", "label", "merge_group", "milestone", "page_build", "project",
            "project_card", "project_column", "public", "pull_request", "pull_request_review",
            "pull_request_review_comment", "pull_request_target", "push", "registry_package", "release",
            "repository_dispatch", "schedule", "status", "watch", "workflow_dispatch", "workflow_run");

    /** The trigger that makes a workflow reusable, which a signer's certificate never carries. */
    public static final String CALLED_WORKFLOW = "workflow_call";

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
