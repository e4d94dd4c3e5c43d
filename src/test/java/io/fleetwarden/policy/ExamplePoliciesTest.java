package io.fleetwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.oci.OciReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The policies/ directory shipped as examples compiles and means what its README says. */
class ExamplePoliciesTest {

    static List<CompiledPolicy> load(String dir) throws IOException {
        List<CompiledPolicy> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("policies", dir))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (PolicyDocuments.Parsed p : PolicyDocuments.parse(f.toString(), Files.readString(f))) {
                    assertThat(p).as(f.toString()).isInstanceOf(PolicyDocuments.Document.class);
                    var doc = ((PolicyDocuments.Document) p).policy();
                    var result = PolicyCompiler.compile(doc.getMetadata().getName(), doc.getSpec());
                    assertThat(result).as(f + ": " + result).isInstanceOf(PolicyCompiler.Compiled.class);
                    out.add(((PolicyCompiler.Compiled) result).policy());
                }
            }
        }
        return out;
    }

    static SignerIdentity github(String repo, String workflow, String ref) {
        String uri = "https://github.com/controlplaneio-fluxcd/" + repo + "/.github/workflows/" + workflow + "@" + ref;
        return new SignerIdentity("https://token.actions.githubusercontent.com", uri,
                "https://github.com/controlplaneio-fluxcd/" + repo, ref, "0123", uri, uri, "push", "github-hosted", null);
    }

    static List<ClaimMismatch> judge(List<CompiledPolicy> policies, String url, String tag, SignerIdentity s) {
        OciReference ref = OciReference.parse(url).withTag(tag);
        CompiledPolicy p = policies.stream().filter(c -> c.covers(ref)).findFirst().orElseThrow();
        String component = ref.repository().substring(ref.repository().lastIndexOf('/') + 1);
        return p.authorities().get(0).mismatches(s, tag, component);
    }

    @Test
    void everyDocumentUnderPoliciesCompiles() throws IOException {
        List<PolicyDocuments.Parsed> docs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("policies"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                docs.addAll(PolicyDocuments.parse(f.toString(), Files.readString(f)));
            }
        }
        assertThat(docs).hasSize(9).allSatisfy(d -> assertThat(d).isNotInstanceOf(PolicyDocuments.Unreadable.class));
        // Every ArtifactPolicy shipped compiles, whatever directory it is in (policies/fleetwarden too).
        assertThat(docs.stream().filter(PolicyDocuments.Document.class::isInstance).map(PolicyDocuments.Document.class::cast))
                .hasSize(8).allSatisfy(d -> assertThat(PolicyCompiler.compile(d.policy().getMetadata().getName(),
                        d.policy().getSpec())).as(d.policy().getMetadata().getName()).isInstanceOf(PolicyCompiler.Compiled.class));
        var tenancy = docs.stream().filter(PolicyDocuments.TenancyDocument.class::isInstance)
                .map(PolicyDocuments.TenancyDocument.class::cast).findFirst().orElseThrow();
        assertThat(io.fleetwarden.tenancy.TenancyCompiler.compile("d2-tenancy", tenancy.policy().getSpec()))
                .isInstanceOf(io.fleetwarden.tenancy.TenancyCompiler.Compiled.class);
        List<CompiledPolicy> thirdParty = load("third-party");
        assertThat(thirdParty).singleElement().satisfies(p -> {
            assertThat(p.mode()).isEqualTo(CompiledPolicy.Mode.ALLOW);
            assertThat(p.covers(OciReference.parse("oci://ghcr.io/stefanprodan/charts/podinfo"))).isTrue();
            assertThat(p.covers(OciReference.parse("oci://ghcr.io/stefanprodan/charts/other"))).isFalse();
        });
    }

    @Test
    void stagingAcceptsMainBranchPushesForLatestOnly() throws IOException {
        List<CompiledPolicy> staging = load("staging");
        assertThat(staging).hasSize(3);
        String frontend = "oci://ghcr.io/controlplaneio-fluxcd/d2-apps/frontend";
        SignerIdentity main = github("d2-apps", "push-artifact.yaml", "refs/heads/main");
        assertThat(judge(staging, frontend, "latest", main)).isEmpty();
        assertThat(judge(staging, frontend, "latest-stable", main)).extracting(ClaimMismatch::claim)
                .containsExactly(Claim.TAG_REF_BINDING);
        assertThat(judge(staging, frontend, "latest", github("d2-apps", "push-artifact.yaml", "refs/pull/1/merge")))
                .extracting(ClaimMismatch::claim).containsExactly(Claim.SUBJECT, Claim.SOURCE_REF, Claim.TAG_REF_BINDING);
        assertThat(judge(staging, frontend, "latest", github("d2-infra", "push-artifact.yaml", "refs/heads/main")))
                .extracting(ClaimMismatch::claim).containsExactly(Claim.SUBJECT, Claim.SOURCE_REPOSITORY);
        assertThat(judge(staging, "oci://ghcr.io/controlplaneio-fluxcd/d2-fleet", "main-1a2b3c4d",
                github("d2-fleet", "push-artifact.yaml", "refs/heads/main"))).isEmpty();
    }

    @Test
    void productionAcceptsOnlyTheReleaseOfThatComponent() throws IOException {
        List<CompiledPolicy> production = load("production");
        String frontend = "oci://ghcr.io/controlplaneio-fluxcd/d2-apps/frontend";
        SignerIdentity release = github("d2-apps", "release-artifact.yaml", "refs/tags/frontend/v1.2.3");
        assertThat(judge(production, frontend, "v1.2.3", release)).isEmpty();
        assertThat(judge(production, frontend, "latest-stable", release)).isEmpty();
        assertThat(judge(production, frontend, "v1.2.4", release)).extracting(ClaimMismatch::claim)
                .containsExactly(Claim.TAG_REF_BINDING);
        assertThat(judge(production, "oci://ghcr.io/controlplaneio-fluxcd/d2-apps/backend", "latest-stable", release))
                .extracting(ClaimMismatch::claim).containsExactly(Claim.TAG_REF_BINDING);
        assertThat(judge(production, frontend, "latest", github("d2-apps", "push-artifact.yaml", "refs/heads/main")))
                .extracting(ClaimMismatch::claim).containsExactly(Claim.SUBJECT, Claim.WORKFLOW, Claim.SOURCE_REF);
        assertThat(judge(production, "oci://ghcr.io/controlplaneio-fluxcd/d2-fleet", "v2.0.0",
                github("d2-fleet", "push-artifact.yaml", "refs/tags/v2.0.0"))).isEmpty();
    }
}
