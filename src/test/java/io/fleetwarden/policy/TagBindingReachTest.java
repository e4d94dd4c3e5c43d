package io.fleetwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A tag the policy's own refs can never carry is found from the policy alone, and nothing else is. */
class TagBindingReachTest {

    private static CompiledPolicy policy(String refs, String binding) {
        var result = PolicyCompilerTest.compile(PolicyCompilerTest.HEADER + """
                  sources: ["oci://ghcr.io/acme/fleet"]
                  authorities:
                    - name: release
                      keyless:
                        issuer: https://token.actions.githubusercontent.com
                        github:
                          repository: acme/fleet
                          workflow: .github/workflows/release.yaml
                          refs: %s
                %s""".formatted(refs, binding));
        assertThat(result).isInstanceOf(PolicyCompiler.Compiled.class);
        return ((PolicyCompiler.Compiled) result).policy();
    }

    @Test
    void aFleetReleasedFromVersionTagsCanNeverAdmitLatestStableUnderTheDefaultBinding() {
        CompiledPolicy p = policy("[\"refs/tags/v*\"]", "");
        assertThat(TagBindingReach.unreachable(p, "latest-stable", "fleet")).hasValue("policy apps can never admit tag "
                + "\"latest-stable\": authority \"release\" accepts refs [refs/tags/v*], the tag binding only "
                + "[refs/tags/fleet/*]. Set tagRefBinding.floatingTags for it (floatingTags replaces the default bindings)");
        assertThat(TagBindingReach.unreachable(p, "latest", "fleet")).isPresent();
        // A release tag binds to refs/tags/v1.2.3, which refs/tags/v* accepts.
        assertThat(TagBindingReach.unreachable(p, "v1.2.3", "fleet")).isEmpty();
    }

    @Test
    void floatingTagsThatMeetTheRefsMakeTheTagReachable() {
        CompiledPolicy p = policy("[\"refs/tags/v*\"]", """
                        tagRefBinding:
                          floatingTags: {latest-stable: "refs/tags/v*"}
                """);
        assertThat(TagBindingReach.unreachable(p, "latest-stable", "fleet")).isEmpty();
        // floatingTags replaces the defaults: latest now binds like a release tag, refs/tags/latest, which v* rejects.
        assertThat(TagBindingReach.unreachable(p, "latest", "fleet")).hasValueSatisfying(m -> assertThat(m)
                .contains("[refs/tags/latest, refs/tags/fleet/latest]"));
    }

    @Test
    void overlappingPatternsAreReachableEvenWhenNeitherContainsTheOther() {
        // refs/tags/*-rc and refs/tags/fleet/* share refs/tags/fleet/1-rc: not provably unreachable, so no warning.
        assertThat(TagBindingReach.unreachable(policy("[\"refs/tags/*-rc\"]", ""), "latest-stable", "fleet")).isEmpty();
    }

    @Test
    void aBindingTurnedOffOrNoRefsNeverWarn() {
        assertThat(TagBindingReach.unreachable(policy("[\"refs/tags/v*\"]", """
                        tagRefBinding: {enabled: false}
                """), "latest-stable", "fleet")).isEmpty();
        assertThat(TagBindingReach.unreachable(policy("[]", ""), "latest-stable", "fleet")).isEmpty();
    }
}
