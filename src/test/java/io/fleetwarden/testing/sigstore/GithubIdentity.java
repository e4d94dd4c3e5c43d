package io.fleetwarden.testing.sigstore;

import io.fleetwarden.policy.SignerIdentity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A GitHub Actions job identity. The certificate values are derived the way Fulcio derives them from the
 * Actions OIDC token: the SAN and build signer URI are the {@code job_workflow_ref}
 * ({@code https://github.com/OWNER/REPO/.github/workflows/FILE@REF}), which for a reusable workflow is the
 * called workflow ({@link Builder#reusableWorkflow}), while the build config URI stays the top-level workflow.
 *
 * @param reusableWorkflow {@code OWNER/REPO/.github/workflows/FILE@REF} of a called reusable workflow, or null
 */
public record GithubIdentity(String issuer, String serverUrl, String repository, String workflowFile, String ref,
        String sha, String trigger, String runnerEnvironment, String reusableWorkflow) implements Identity {

    public static final String ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

    public GithubIdentity {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(serverUrl, "serverUrl");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(workflowFile, "workflowFile");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(sha, "sha");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(runnerEnvironment, "runnerEnvironment");
    }

    public static Builder builder() {
        return new Builder();
    }

    public String sourceRepositoryUri() {
        return serverUrl + "/" + repository;
    }

    /** The top-level workflow at its ref (extension .1.18). */
    public String buildConfigUri() {
        return sourceRepositoryUri() + "/.github/workflows/" + workflowFile + "@" + ref;
    }

    /** The workflow that ran the signing job (extension .1.9, and the SAN). */
    public String buildSignerUri() {
        return reusableWorkflow == null ? buildConfigUri() : serverUrl + "/" + reusableWorkflow;
    }

    @Override
    public String subjectAlternativeName() {
        return buildSignerUri();
    }

    @Override
    public boolean sanIsEmail() {
        return false;
    }

    @Override
    public Map<String, String> extensions() {
        Map<String, String> ext = new LinkedHashMap<>();
        ext.put(ARC + "9", buildSignerUri());
        ext.put(ARC + "11", runnerEnvironment);
        ext.put(ARC + "12", sourceRepositoryUri());
        ext.put(ARC + "13", sha);
        ext.put(ARC + "14", ref);
        ext.put(ARC + "18", buildConfigUri());
        ext.put(ARC + "20", trigger);
        return ext;
    }

    @Override
    public SignerIdentity expected() {
        return new SignerIdentity(issuer, subjectAlternativeName(), sourceRepositoryUri(), ref, sha, buildSignerUri(),
                buildConfigUri(), trigger, runnerEnvironment, null);
    }

    /** Defaults: repository {@code acme/fleet}, workflow {@code push-artifact.yaml}, ref main, push, hosted. */
    public static final class Builder {
        private String issuer = ACTIONS_ISSUER;
        private String serverUrl = "https://github.com";
        private String repository = "acme/fleet";
        private String workflowFile = "push-artifact.yaml";
        private String ref = "refs/heads/main";
        private String sha = "3f786850e387550fdab836ed7e6dc881de23001b";
        private String trigger = "push";
        private String runnerEnvironment = "github-hosted";
        private String reusableWorkflow;

        private Builder() {
        }

        public Builder issuer(String v) {
            issuer = v;
            return this;
        }

        public Builder serverUrl(String v) {
            serverUrl = v;
            return this;
        }

        /** {@code OWNER/REPO}. */
        public Builder repository(String v) {
            repository = v;
            return this;
        }

        /** File name under {@code .github/workflows/}. */
        public Builder workflowFile(String v) {
            workflowFile = v;
            return this;
        }

        public Builder ref(String v) {
            ref = v;
            return this;
        }

        public Builder sha(String v) {
            sha = v;
            return this;
        }

        public Builder trigger(String v) {
            trigger = v;
            return this;
        }

        public Builder runnerEnvironment(String v) {
            runnerEnvironment = v;
            return this;
        }

        /** {@code OWNER/REPO/.github/workflows/FILE@REF} of the reusable workflow that signs. */
        public Builder reusableWorkflow(String v) {
            reusableWorkflow = v;
            return this;
        }

        public GithubIdentity build() {
            return new GithubIdentity(issuer, serverUrl, repository, workflowFile, ref, sha, trigger,
                    runnerEnvironment, reusableWorkflow);
        }
    }
}
