package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.testing.FluxOracle;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our choice of tag for an {@code OCIRepository}'s {@code spec.ref.semver} (and {@code semverFilter}) against what
 * Flux's source-controller v1.9.4 decides, asked of {@code tools/flux-oracle}: a Go program calling the libraries
 * source-controller calls (Masterminds/semver v3.5.0, fluxcd/pkg/version v0.16.0, Go's regexp and sort). The gate
 * must verify the artifact Flux will pull; where we differ, we are wrong.
 *
 * <p>Thousands of generated cases (fixed seed, so a failure reproduces) and hand-written edge cases: for each, whether
 * the constraint and the filter compile, which tags are versions, which match, and which tag is picked, ties
 * included, with and without Helm's chart layer as {@code layerSelector.mediaType} (then {@code _} in a tag reads as
 * {@code +}) (up to 12 matching tags Go's sort keeps registry order among equals; beyond that we refuse ties, so only
 * a unique highest is compared).
 */
class SemverDifferentialTest {

    private static final long SEED = 20261204L;
    private static final int GENERATED = 4000;

    static final List<String> TAGS = List.of("0.0.0", "0.0.1", "0.1.0", "0.1.1", "0.2.0", "1.0.0", "v1.0.0",
            "1.0.1", "1.1.0", "1.2.0", "1.2.3", "v1.2.3", "1.2.4", "1.3.0", "1.10.0", "2.0.0", "v2.0.0", "2.1.0",
            "3.0.0", "10.0.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0-rc.1", "1.2.3-rc.1", "1.2.3-rc.2",
            "2.0.0-rc.1", "2.0.0-0", "1.2.3+build.1", "1.2.3+build.2", "1.2.3-rc.1+b", "1.2", "v1", "1", "1.2.3.4",
            "01.2.3", "1.02.3", "1.2.03", "latest", "main", "sha-abc123", "v1.2.3-", "1.2.3-01", "1.2.3-alpha..1",
            "V1.2.3", "99999999999999999999.0.0", "18446744073709551615.0.0", "9223372036854775807.0.0",
            "1.2.3-x.7.z.92", "0.0.0-0", "1.2.3-rc.1.2.3", "v0.0.1", "1.2.3-alpha.beta", "1.2.x", "1.2.3-rc-1",
            "0.0.0+0", "v01.2.3", "1.0.0-RC.1", "1.0.0-rc.10", "1.0.0-rc.9", "4.0.0+x", "4.0.0+y", "v4.0.0",
            "1.2.3_build.1", "1.2.3_build.2", "4.0.0_x", "4.1.0_y", "1.0.0_a.b", "1.2.3_", "2.0.0-rc.1_b", "v5.0.0_z");
    private static final List<String> MEDIA_TYPES = List.of("", "", "", SemverTags.HELM_CHART_LAYER,
            SemverTags.HELM_CHART_LAYER, "application/vnd.cncf.helm.chart.content.v1.tar", "application/tar+gzip");
    private static final List<String> OPERATORS = List.of("", "=", "!=", ">", "<", ">=", "<=", "=>", "=<", "~", "~>",
            "^", "> ", ">= ", "v", "=v");
    private static final List<String> BOUNDS = List.of("1", "1.2", "1.2.3", "0", "0.1", "0.1.2", "0.0.1", "0.0", "1.x",
            "1.2.x", "1.X", "1.*", "*", "x", "X", "2", "2.0.0-0", "1.2.3-rc.1", "1.0.0-0", "1.2.3+b", "10", "1.0.0-alpha",
            "0.0.0", "3", "1.2.3-rc.1+b", "1.x.x", "1.2.3.4", "01.2", "1.02", "18446744073709551615", "a", "");
    private static final List<String> FILTERS = List.of("", "", "", "^v", "^[0-9]", "-rc", "\\.0$", "^1\\.", "(",
            "^(?:v)?1\\.2", "[[:digit:]]+\\.[[:digit:]]+\\.[[:digit:]]+$", "\\pL", "(?i)^V", "^[0-9]+\\.[0-9]+\\.[0-9]+$",
            "build", "\\+", "[", "a{2,1}", "(?P<x>1)", "^$");
    private static final List<String> EDGES = List.of("", " ", ">=", "1..2", "~=1.2", "a.b.c", ">>1", "1.2.3 -", "^",
            "||", "1 - ", "=1.2.3-", ">=1.0.0 <2.0.0 ||", ">= 1.0, < 2.0", ">=1.0.0,<2.0.0", "1.2 - 1.4.5", "1.2-1.4",
            "1.2.3 - 2.3.4 || 5", "^0.0", "^0.0.0", "^0", "~0", "~0.0", "~1", "~1.2", "~1.2.3", "^*", "~*", "<=*", ">*",
            "<*", "!=*", "!=1.x", ">1.x", "<1.x", "<=1.x", ">=1.x", "^1.x", "~1.x", "*-0", ">=0.0.0-0", "> 1.0.0-0 < 2",
            ">=1.0.0-0, <2.0.0", "<2.0.0-0", "=1.2.3+b", "!=1.2.3+build.1", "1.2.3+", "v1.2.3", "V1.2.3", ">= v1.0",
            ">=01.2.3", "1.2.3 || ", "||1.2.3", "1 || 2 || 3", "1.2.3 1.2.3", "1.2.3,,1.2.3", "  >=  1.0  ");

    private static FluxOracle oracle;

    @BeforeAll
    static void startOracle() throws IOException {
        oracle = FluxOracle.shared();
    }

    @Test
    void everyEdgeConstraintIsReadAsSourceControllerReadsIt() throws IOException {
        List<String> differences = new ArrayList<>();
        for (String constraint : EDGES) {
            compare(constraint, "", "", TAGS, differences);
            compare(constraint, "", SemverTags.HELM_CHART_LAYER, TAGS, differences);
        }
        assertThat(differences).as("cases where we differ from source-controller").isEmpty();
    }

    @Test
    void generatedConstraintsFiltersAndTagListsPickTheTagSourceControllerPicks() throws IOException {
        Random random = new Random(SEED);
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < GENERATED; i++) {
            List<String> tags = new ArrayList<>(TAGS);
            Collections.shuffle(tags, random);
            compare(constraint(random), FILTERS.get(random.nextInt(FILTERS.size())), pick(random, MEDIA_TYPES),
                    tags.subList(0, 1 + random.nextInt(tags.size())), differences);
        }
        assertThat(differences).as("cases where we differ from source-controller (seed " + SEED + ")").isEmpty();
    }

    /** One to three OR groups of one to three clauses, a hyphen range now and then, with the separators Flux reads. */
    static String constraint(Random random) {
        List<String> groups = new ArrayList<>();
        for (int g = 0, n = 1 + random.nextInt(random.nextInt(4) == 0 ? 3 : 1); g < n; g++) {
            List<String> clauses = new ArrayList<>();
            for (int c = 0, m = 1 + random.nextInt(3); c < m; c++) {
                clauses.add(random.nextInt(8) == 0 ? pick(random, BOUNDS) + " - " + pick(random, BOUNDS)
                        : pick(random, OPERATORS) + pick(random, BOUNDS));
            }
            groups.add(String.join(pick(random, List.of(" ", ", ", ",", "  ")), clauses));
        }
        return String.join(pick(random, List.of(" || ", "||", " ||")), groups);
    }

    private static String pick(Random random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }

    private static void compare(String constraint, String filter, String mediaType, List<String> tags,
            List<String> differences) throws IOException {
        JsonNode flux = oracle.ociRepository(constraint, filter, mediaType, tags);
        boolean chartTags = SemverTags.HELM_CHART_LAYER.equals(mediaType);
        String where = "semver \"" + constraint + "\" filter \"" + filter + "\" mediaType \"" + mediaType + "\" tags "
                + tags + ": ";
        Optional<SemverConstraint> ours;
        try {
            ours = Optional.of(SemverConstraint.parse(constraint));
        } catch (IllegalArgumentException e) {
            ours = Optional.empty();
        }
        if (flux.path("constraintError").asBoolean() != ours.isEmpty()) {
            differences.add(where + (ours.isEmpty() ? "we refuse the constraint, Flux reads it"
                    : "we read the constraint, Flux refuses it"));
            return;
        }
        for (int i = 0; i < tags.size(); i++) {
            String tag = chartTags ? tags.get(i).replace('_', '+') : tags.get(i);
            boolean version = SemanticVersion.isTagVersion(tag);
            if (flux.path("versions").get(i).asBoolean() != version) {
                differences.add("tag \"" + tag + "\": " + (version ? "we read it as a version, Flux does not"
                        : "Flux reads it as a version, we do not"));
                continue;
            }
            if (version && ours.isPresent()) {
                boolean matches = ours.get().matches(SemanticVersion.parse(tag));
                if (flux.path("matches").get(i).asBoolean() != matches) {
                    differences.add(where + "tag \"" + tag + "\" " + (matches ? "matches for us only" : "matches for Flux only"));
                }
            }
        }
        if (ours.isEmpty()) {
            return;
        }
        List<String> ties;
        try {
            ties = SemverTags.highestTies(tags, ours.get(), filter, chartTags);
        } catch (IllegalArgumentException e) {
            if (!flux.path("filterError").asBoolean()) {
                differences.add(where + "we refuse the filter, Flux reads it: " + e.getMessage());
            }
            return;
        }
        if (flux.path("filterError").asBoolean()) {
            differences.add(where + "we read the filter, Flux refuses it");
            return;
        }
        String pick = flux.path("pick").asText();
        long matching = matching(tags, ours.get(), filter, chartTags);
        if (ties.size() > 1 && matching > 12) {
            // Beyond 12, Go's pdqsort orders equal versions by position; the gate refuses such ties.
            return;
        }
        String ourPick = SemverTags.highest(tags, ours.get(), filter, chartTags).orElse("");
        if (!pick.equals(ourPick)) {
            differences.add(where + "Flux picks \"" + pick + "\", we pick \"" + ourPick + "\"");
        }
    }

    private static long matching(List<String> tags, SemverConstraint constraint, String filter, boolean chartTags) {
        com.google.re2j.Pattern pattern = filter.isEmpty() ? null : com.google.re2j.Pattern.compile(filter);
        return tags.stream().filter(t -> pattern == null || pattern.matcher(t).find())
                .map(t -> chartTags ? t.replace('_', '+') : t)
                .filter(SemanticVersion::isTagVersion).filter(t -> constraint.matches(SemanticVersion.parse(t))).count();
    }
}
