package io.fleetwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TagRefBindingTest {

    @ParameterizedTest(name = "tag {0} of {1} signed on {2} -> {3}")
    @CsvSource({
            "latest,        frontend, refs/heads/main,                 accepted",
            "latest,        frontend, refs/heads/feature,              rejected",
            "latest,        frontend, refs/pull/1/merge,               rejected",
            "latest,        frontend, refs/tags/frontend/v1.2.3,       rejected",
            "latest-stable, frontend, refs/tags/frontend/v1.2.3,       accepted",
            "latest-stable, frontend, refs/heads/main,                 rejected",
            "latest-stable, frontend, refs/tags/backend/v1.2.3,        rejected",
            "v1.2.3,        frontend, refs/tags/frontend/v1.2.3,       accepted",
            "v1.2.3,        frontend, refs/tags/v1.2.3,                accepted",
            "v1.2.3,        frontend, refs/tags/backend/v1.2.3,        rejected",
            "v1.2.3,        frontend, refs/tags/frontend/v1.2.4,       rejected",
            "v1.2.3,        frontend, refs/heads/main,                 rejected",
            "v1.2.3,        frontend, refs/tags/frontend/v1.2.3-evil,  rejected",
            "1.2.3,         frontend, refs/tags/frontend/v1.2.3,       rejected",
    })
    void bindsTagsToRefsTheD2Way(String tag, String component, String ref, String expected) {
        assertThat(TagRefBinding.D2_DEFAULT.violation(tag, component, ref).isEmpty())
                .isEqualTo(expected.equals("accepted"));
    }

    @ParameterizedTest
    @CsvSource({"refs/heads/main", "refs/tags/frontend/v1"})
    void digestOnlyReferencesHaveNoTagToBind(String ref) {
        assertThat(TagRefBinding.D2_DEFAULT.violation(null, "frontend", ref)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"staging, refs/heads/develop, accepted", "staging, refs/heads/main, rejected",
            "main-1a2b3c4d, refs/heads/main, accepted", "main-1a2b3c4d, refs/heads/develop, rejected",
            "v1.0.0, refs/tags/v1.0.0, accepted"})
    void floatingTagsAreConfigurableAndMayBePatterns(String tag, String ref, String expected) {
        TagRefBinding b = new TagRefBinding(Map.of("staging", "refs/heads/develop", "main-*", "refs/heads/main"));
        assertThat(b.violation(tag, "app", ref).isEmpty()).isEqualTo(expected.equals("accepted"));
    }

    @org.junit.jupiter.api.Test
    void theViolationSaysWhatWouldBeAllowed() {
        assertThat(TagRefBinding.D2_DEFAULT.violation("v1.2.3", "frontend", "refs/heads/main")).hasValue(
                "tag \"v1.2.3\" was signed on \"refs/heads/main\"; that tag may only carry a signature made on "
                        + "\"refs/tags/v1.2.3\" or \"refs/tags/frontend/v1.2.3\"");
    }
}
