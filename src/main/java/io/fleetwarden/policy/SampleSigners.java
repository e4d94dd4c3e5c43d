package io.fleetwarden.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signers a policy must reject, made from what the authority names: the same workflow in another
 * repository or another owner, another workflow, a pull-request ref, another branch, another tag, another
 * issuer, and prefix/suffix look-alikes of the exact values. They are the probes used to tell whether a
 * looser pattern in an {@code OCIRepository} (unanchored, or {@code refs/tags/.*}) would let Flux accept
 * what the policy would not.
 */
final class SampleSigners {

    static final String GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

    private SampleSigners() {
    }

    /**
     * @param spec the object's own identities: the repositories and workflows written literally in their
     *             subject patterns seed the probes too, so a policy that names no workflow is still probed
     *             with the workflow the object trusts
     */
    static List<SignerIdentity> around(KeylessAuthority a, FluxVerifySpec spec) {
        String issuer = a.issuer() instanceof StringMatch.Exact e ? e.value() : GITHUB_ISSUER;
        Set<String> subjects = new LinkedHashSet<>();
        Set<String> repos = new LinkedHashSet<>();
        Set<String> workflows = new LinkedHashSet<>();
        repos.add(a.sourceRepository() != null ? a.sourceRepository() : "https://github.com/acme/app");
        workflows.add(a.workflow() != null ? a.workflow() : ".github/workflows/release.yaml");
        for (FluxVerifySpec.Identity i : spec.identities()) {
            Matcher m = LITERAL_WORKFLOW.matcher(i.subject() == null ? "" : i.subject().replace("\\.", "."));
            if (m.find()) {
                repos.add("https://github.com/" + m.group(1));
                workflows.add(".github/workflows/" + m.group(2));
            }
        }
        for (String repo : repos) {
            subjects.addAll(variants(repo, workflows));
        }
        if (a.subject() instanceof StringMatch.Exact e) {
            subjects.add("evil" + e.value());
            subjects.add(e.value() + "-evil");
            subjects.add("https://evil.example/" + e.value());
        }
        List<SignerIdentity> out = new ArrayList<>();
        for (String s : subjects) {
            for (String i : List.of(issuer, "https://evil.example", issuer + ".evil.example")) {
                out.add(githubSigner(i, s));
            }
        }
        return out;
    }

    /** owner/repo and workflow file written literally in a subject pattern (after unescaping dots). */
    private static final Pattern LITERAL_WORKFLOW =
            Pattern.compile("github\\.com/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)/\\.github/workflows/([A-Za-z0-9_.-]+\\.ya?ml)");

    private static Set<String> variants(String repo, Set<String> workflows) {
        Set<String> subjects = new LinkedHashSet<>();
        for (String r : List.of(repo, repo + "-evil", repo.replace("https://github.com/", "https://github.com/evil-"),
                "https://github.com/evil/" + repo.substring(repo.lastIndexOf('/') + 1))) {
            for (String w : concat(workflows, ".github/workflows/evil.yaml")) {
                for (String ref : List.of("refs/heads/main", "refs/heads/main-evil", "refs/heads/evil", "refs/pull/1/merge",
                        "refs/tags/v6.6.6", "refs/tags/evil/v6.6.6")) {
                    subjects.add(r + "/" + w + "@" + ref);
                }
            }
        }
        return subjects;
    }

    private static List<String> concat(Set<String> set, String extra) {
        List<String> l = new ArrayList<>(set);
        l.add(extra);
        return l;
    }

    /** The claims GitHub Actions would put in a certificate whose SAN is {@code subject}. */
    static SignerIdentity githubSigner(String issuer, String subject) {
        String repo = null;
        String ref = null;
        int workflows = subject.indexOf("/.github/workflows/");
        int at = subject.lastIndexOf('@');
        if (workflows > 0 && at > workflows) {
            repo = subject.substring(0, workflows);
            ref = subject.substring(at + 1);
        }
        return new SignerIdentity(issuer, subject, repo, ref, null, subject, subject, "push", "github-hosted", null);
    }
}
