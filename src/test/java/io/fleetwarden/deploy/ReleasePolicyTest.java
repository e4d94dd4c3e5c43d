package io.fleetwarden.deploy;

import io.fleetwarden.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.policy.Claim;
import io.fleetwarden.policy.ClaimMismatch;
import io.fleetwarden.policy.CompiledPolicy;
import io.fleetwarden.policy.PolicyCompiler;
import io.fleetwarden.policy.PolicyDocuments;
import io.fleetwarden.policy.SignerIdentity;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.sigstore.GithubIdentity;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * policies/fleetwarden/fleetwarden.yaml, the policy a fleet verifies fleetwarden's own releases with, admits exactly
 * what .github/workflows/release.yaml publishes: each tag it pushes, signed by that workflow on a pushed release tag,
 * and nothing signed on a branch, by another workflow, or on another release's tag.
 */
class ReleasePolicyTest {

    static final Path POLICY = Path.of("policies", "fleetwarden", "fleetwarden.yaml");
    static final String DEPLOY = "ghcr.io/fleetwarden/manifests/deploy";
    static final String POLICIES = "ghcr.io/fleetwarden/manifests/policies";
    static final String IMAGE = "ghcr.io/fleetwarden/fleetwarden";

    static SignedArtifacts artifacts;
    static Path trustedRoot;
    static Path localPolicy;
    static String base;

    @TempDir
    static Path dir;


    @BeforeAll
    static void start() throws IOException {
        artifacts = SignedArtifacts.onSharedRegistry();
        trustedRoot = Files.write(dir.resolve("trusted_root.json"), artifacts.sigstore().trustedRootJson());
        // The shipped policy, for the local registry (ghcr.io/... under a path of its own) and the local Sigstore.
        base = "release-" + UUID.randomUUID().toString().substring(0, 8);
        String text = Files.readString(POLICY).replace("oci://ghcr.io/", "oci://" + artifacts.host() + "/" + base + "/ghcr.io/")
                .replaceAll("(?m)^(\\s+)keyless:", "$1trustedRoot: local\n$1keyless:");
        assertThat(text).contains("trustedRoot: local").doesNotContain("oci://ghcr.io");
        localPolicy = Files.writeString(dir.resolve("fleetwarden.yaml"), text);
    }

    @AfterAll
    static void stop() {
        artifacts.close();
    }

    static CompiledPolicy compiled() throws IOException {
        List<PolicyDocuments.Parsed> docs = PolicyDocuments.parse(POLICY.toString(), Files.readString(POLICY));
        assertThat(docs).singleElement().isInstanceOf(PolicyDocuments.Document.class);
        var doc = ((PolicyDocuments.Document) docs.get(0)).policy();
        var result = PolicyCompiler.compile(doc.getMetadata().getName(), doc.getSpec());
        assertThat(result).as(result.toString()).isInstanceOf(PolicyCompiler.Compiled.class);
        return ((PolicyCompiler.Compiled) result).policy();
    }

    /** The identity of a run of {@code workflow} in fleetwarden/fleetwarden on {@code ref}. */
    static GithubIdentity signer(String workflow, String ref) {
        return Identity.github().repository("fleetwarden/fleetwarden").workflowFile(workflow).ref(ref).build();
    }

    static List<Claim> judge(CompiledPolicy policy, String repository, String tag, SignerIdentity signer) {
        OciReference ref = OciReference.parse("oci://" + repository).withTag(tag);
        assertThat(policy.covers(ref)).as(ref.toString()).isTrue();
        String component = repository.substring(repository.lastIndexOf('/') + 1);
        return policy.authorities().get(0).mismatches(signer, tag, component).stream().map(ClaimMismatch::claim).toList();
    }

    @Test
    void coversTheImagesAndBothArtifactsAndNothingElse() throws IOException {
        CompiledPolicy policy = compiled();
        assertThat(policy.name()).isEqualTo("fleetwarden-release");
        assertThat(policy.mode()).isEqualTo(CompiledPolicy.Mode.ENFORCE);
        for (String repo : List.of(IMAGE, DEPLOY, POLICIES)) {
            assertThat(policy.covers(OciReference.parse("oci://" + repo + ":v0.1.0"))).as(repo).isTrue();
        }
        for (String other : List.of("ghcr.io/fleetwarden/fleetwarden-evil", "ghcr.io/fleetwarden/manifests/other",
                "ghcr.io/fleetwarden/manifests/deploy/x", "ghcr.io/fleetwarden-evil/fleetwarden")) {
            assertThat(policy.covers(OciReference.parse("oci://" + other + ":v0.1.0"))).as(other).isFalse();
        }
    }

    @Test
    void acceptsEveryTagTheReleaseWorkflowPushesFromItsTag() throws IOException {
        CompiledPolicy policy = compiled();
        SignerIdentity release = signer("release.yaml", "refs/tags/v0.1.0").expected();
        assertThat(judge(policy, IMAGE, "v0.1.0", release)).isEmpty();
        assertThat(judge(policy, IMAGE, "v0.1.0-jvm", release)).isEmpty();
        for (String repo : List.of(DEPLOY, POLICIES)) {
            assertThat(judge(policy, repo, "v0.1.0", release)).isEmpty();
            assertThat(judge(policy, repo, "latest-stable", release)).isEmpty();
        }
        SignerIdentity rc = signer("release.yaml", "refs/tags/v0.2.0-rc.1").expected();
        assertThat(judge(policy, DEPLOY, "v0.2.0-rc.1", rc)).isEmpty();
        // Digest only: no tag to bind, the workflow and its refs still apply.
        assertThat(judge(policy, IMAGE, null, release)).isEmpty();
    }

    @Test
    void refusesBranchesOtherWorkflowsTriggersAndAnotherReleasesTag() throws IOException {
        CompiledPolicy policy = compiled();
        SignerIdentity main = signer("release.yaml", "refs/heads/main").expected();
        assertThat(judge(policy, DEPLOY, "v0.1.0", main))
                .containsExactly(Claim.SUBJECT, Claim.SOURCE_REF, Claim.TAG_REF_BINDING);
        assertThat(judge(policy, DEPLOY, "latest-stable", main))
                .containsExactly(Claim.SUBJECT, Claim.SOURCE_REF, Claim.TAG_REF_BINDING);
        // D2's default binding of latest to main is not in force: this policy names its floating tags.
        assertThat(judge(policy, DEPLOY, "latest", main)).contains(Claim.TAG_REF_BINDING);
        assertThat(judge(policy, DEPLOY, "v0.1.0", signer("ci.yaml", "refs/tags/v0.1.0").expected()))
                .containsExactly(Claim.SUBJECT, Claim.WORKFLOW);
        assertThat(judge(policy, DEPLOY, "v0.1.0", Identity.github().repository("fleetwarden/fleetwarden")
                .workflowFile("release.yaml").ref("refs/tags/v0.1.0").trigger("workflow_dispatch").build().expected()))
                .containsExactly(Claim.BUILD_TRIGGER);
        assertThat(judge(policy, DEPLOY, "v0.1.0", Identity.github().repository("fleetwarden-evil/fleetwarden")
                .workflowFile("release.yaml").ref("refs/tags/v0.1.0").build().expected()))
                .containsExactly(Claim.SUBJECT, Claim.SOURCE_REPOSITORY);
        // A release tag moved to another release's artifact: the exact tags are bound to their own git tag.
        SignerIdentity older = signer("release.yaml", "refs/tags/v0.0.9").expected();
        assertThat(judge(policy, IMAGE, "v0.1.0", older)).containsExactly(Claim.TAG_REF_BINDING);
        assertThat(judge(policy, POLICIES, "v0.1.0", older)).containsExactly(Claim.TAG_REF_BINDING);
        // A git tag that is not a version (the workflow does not run for it) signs nothing.
        assertThat(judge(policy, DEPLOY, "vnext", signer("release.yaml", "refs/tags/vnext").expected()))
                .containsExactly(Claim.SUBJECT);
    }

    static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    /** Publishes an artifact under {@code tags} in the local copy of {@code repository}, signed as cosign v3 does. */
    static String publish(String repository, GithubIdentity signer, String... tags) {
        String repo = base + "/" + repository;
        Digest digest = artifacts.publisher().pushArtifact(repo, tags[0], Map.of("kustomization.yaml",
                ("resources: []\n# " + UUID.randomUUID() + "\n").getBytes(StandardCharsets.UTF_8)));
        for (String tag : List.of(tags).subList(1, tags.length)) {
            artifacts.publisher().tag(repo, digest, tag);
        }
        artifacts.signBundle(repo, digest, SigningRequest.keyless(signer).build());
        return "oci://" + artifacts.host() + "/" + repo;
    }

    static CliRun verify(String ref) {
        return cli("verify", ref, "--policy", localPolicy.toString(), "--trusted-root", "local=" + trustedRoot);
    }

    @Test
    void fleetwardenVerifyAdmitsTheReleaseSignedOnItsTagAndDeniesOneSignedOnABranch() {
        String deploy = publish(DEPLOY, signer("release.yaml", "refs/tags/v0.1.0"), "v0.1.0", "latest-stable");
        for (String tag : List.of("v0.1.0", "latest-stable")) {
            CliRun r = verify(deploy + ":" + tag);
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).startsWith("VERIFIED " + deploy + ":" + tag + "@sha256:")
                    .contains("(policy fleetwarden-release, authority release.yaml)").contains("Verified OK");
        }
        String image = publish(IMAGE, signer("release.yaml", "refs/tags/v0.1.0"), "v0.1.0");
        assertThat(verify(image + ":v0.1.0").code()).isZero();

        // The same workflow run on a branch (a copy of it run by a push to main): not a release.
        String branch = publish(POLICIES, signer("release.yaml", "refs/heads/main"), "v0.1.0", "latest-stable");
        for (String tag : List.of("v0.1.0", "latest-stable")) {
            CliRun r = verify(branch + ":" + tag);
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
            assertThat(r.out()).startsWith("NOT VERIFIED ").contains("SOURCE_REF [referrer sha256:")
                    .contains("TAG_REF_BINDING [referrer sha256:").doesNotContain("Verified OK");
        }
        // Signed on a release tag, but another release's: the exact tag does not take it.
        String moved = publish(IMAGE, signer("release.yaml", "refs/tags/v0.0.9"), "v0.1.0");
        CliRun r = verify(moved + ":v0.1.0");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("TAG_REF_BINDING [referrer sha256:").doesNotContain("SOURCE_REF [");
    }

    static String block(String after) throws IOException {
        String guide = Files.readString(Path.of("docs", "operations.md"));
        int at = guide.indexOf(after);
        assertThat(at).as("docs/operations.md: " + after).isPositive();
        String rest = guide.substring(guide.indexOf("```", at));
        rest = rest.substring(rest.indexOf('\n') + 1);
        return rest.substring(0, rest.indexOf("```"));
    }

    /** docs/operations.md's check by hand, as written: valid commands that cover the artifact (no network here). */
    @Test
    void theGuidesVerifyCommandsAreValidAndJudgedByThePolicy() throws IOException {
        List<String> commands = block("**Check a release by hand**").lines().toList();
        assertThat(commands).hasSize(2);
        for (String command : commands) {
            String[] args = command.trim().split("\\s+");
            assertThat(args[0]).isEqualTo("bin/fleetwarden");
            CliRun r = cli(java.util.Arrays.copyOfRange(args, 1, args.length));
            assertThat(r.code()).as(command + "\n" + r.out() + r.err()).isIn(0, 2);
            assertThat(r.out()).as(command).contains("(policy fleetwarden-release");
        }
    }

    /** docs/operations.md's OCIRepository and Kustomization: their spec.verify is what the policy requires. */
    @Test
    void theGuidesFluxObjectsPassCheckUnderThePolicy() throws IOException {
        Path objects = Files.writeString(dir.resolve("fleetwarden-flux.yaml"), block("**Install it the D2 way.**"));
        CliRun r = cli("check", "--policy", "policies/fleetwarden", "--offline", "-f", objects.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("OCIRepository flux-system/fleetwarden").contains("Kustomization flux-system/fleetwarden");
    }

    /** The release workflow's smoke test of the native executable, on the JVM: every shipped policy compiles. */
    @Test
    void theNativeSmokeTestsCheckPassesOnThePoliciesDirectory() {
        CliRun r = cli("check", "--policy", "policies/fleetwarden", "--offline", "-f", "policies/");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("fleetwarden-release");
    }
}
