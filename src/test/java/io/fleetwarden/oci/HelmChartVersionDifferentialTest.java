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
 * The chart version we verify for an OCI {@code HelmRepository} ({@link HelmChartTags}) against what
 * source-controller v1.9.4 pulls, asked of {@code tools/flux-oracle} (fluxcd/pkg/version for an exact version,
 * Masterminds' {@code StrictNewVersion} for the tags Helm v4's registry client lists, Masterminds' constraints and
 * ordering for the pick). Ties (versions differing in build metadata only) are refused by the gate, so a pick is
 * compared only where ours is unique.
 */
class HelmChartVersionDifferentialTest {

    private static final long SEED = 20261205L;
    private static final int GENERATED = 3000;
    private static final List<String> EXACT_LOOKING = List.of("1.2.3", "v1.2.3", "01.2.3", "1.02.3", "v01.2.3",
            "1.2.3+b", "1.2.3-rc.1", "1.2.3-rc.1+b", "1.2", "v1.2", "1.2.3.4", "", "*", "1.2.3_b", "0.0.0", "V1.2.3",
            "1.2.3-01", "18446744073709551615.0.0", "99999999999999999999.0.0", "1.2.x", "=1.2.3", "1.2.3 ", " 1.2.3");

    private static FluxOracle oracle;

    @BeforeAll
    static void startOracle() throws IOException {
        oracle = FluxOracle.shared();
    }

    @Test
    void exactLookingVersionsArePulledAsSourceControllerPullsThem() throws IOException {
        List<String> tags = allTags();
        List<String> differences = new ArrayList<>();
        for (String version : EXACT_LOOKING) {
            compare(version, tags, differences);
        }
        assertThat(differences).as("chart versions where we differ from source-controller").isEmpty();
    }

    @Test
    void generatedConstraintsPickTheChartVersionSourceControllerPicks() throws IOException {
        Random random = new Random(SEED);
        List<String> all = allTags();
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < GENERATED; i++) {
            List<String> tags = new ArrayList<>(all);
            Collections.shuffle(tags, random);
            String version = random.nextInt(10) == 0 ? EXACT_LOOKING.get(random.nextInt(EXACT_LOOKING.size()))
                    : SemverDifferentialTest.constraint(random);
            compare(version, tags.subList(0, random.nextInt(tags.size() + 1)), differences);
        }
        assertThat(differences).as("chart versions where we differ from source-controller (seed " + SEED + ")").isEmpty();
    }

    private static List<String> allTags() {
        return SemverDifferentialTest.TAGS;
    }

    private static void compare(String version, List<String> tags, List<String> differences) throws IOException {
        JsonNode flux = oracle.chart(version, tags);
        String where = "version \"" + version + "\" tags " + tags + ": ";
        Optional<String> exact = HelmChartTags.exactTag(version);
        if (flux.path("exact").asBoolean() != exact.isPresent()) {
            differences.add(where + (exact.isPresent() ? "we pull it as written, Flux lists tags"
                    : "Flux pulls it as written, we list tags"));
            return;
        }
        if (exact.isPresent()) {
            // Helm's registry client writes the + of build metadata as _ in the tag it pulls.
            if (!exact.get().equals(flux.path("pick").asText().replace('+', '_'))) {
                differences.add(where + "we pull tag \"" + exact.get() + "\", Flux pulls \"" + flux.path("pick").asText() + "\"");
            }
            return;
        }
        List<String> ties;
        try {
            ties = HelmChartTags.select(version, tags);
        } catch (IllegalArgumentException e) {
            // With no chart version listed, Flux fails before it reads the constraint; we fail too, on the constraint.
            if (!flux.path("constraintError").asBoolean() && !flux.path("pick").asText().isEmpty()) {
                differences.add(where + "we refuse the constraint, Flux picks \"" + flux.path("pick").asText() + "\"");
            }
            return;
        }
        if (flux.path("constraintError").asBoolean()) {
            differences.add(where + "we read the constraint, Flux refuses it");
            return;
        }
        if (ties.size() > 1) {
            return; // the gate refuses to guess between equal versions
        }
        String ours = ties.isEmpty() ? "" : ties.get(0).replace('_', '+');
        if (!ours.equals(flux.path("pick").asText())) {
            differences.add(where + "Flux picks \"" + flux.path("pick").asText() + "\", we pick \"" + ours + "\"");
        }
    }
}
