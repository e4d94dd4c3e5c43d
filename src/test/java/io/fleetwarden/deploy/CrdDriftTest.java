package io.fleetwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.testing.deploy.Manifests;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * deploy/base/crds holds the CRDs the build generates from the Java types (quarkus.operator-sdk.crd.generate-all),
 * unchanged. A {@code @QuarkusTest} because the Quarkus build of this very test run writes them to
 * target/kubernetes, so what is compared is what the current types produce. After changing a type:
 * {@code cp target/kubernetes/<plural>.fleetwarden.io-v1.yml deploy/base/crds/<plural>.fleetwarden.io.yaml}.
 */
@QuarkusTest
class CrdDriftTest {

    @Test
    void shippedCrdsAreExactlyTheGeneratedOnes() {
        List<Path> shipped = Manifests.yamlFiles(Manifests.DEPLOY.resolve("base/crds"));
        List<Path> generated = Manifests.yamlFiles(Path.of("target/kubernetes")).stream()
                .filter(p -> p.getFileName().toString().endsWith(".fleetwarden.io-v1.yml")).toList();
        assertThat(generated).hasSize(2);
        assertThat(shipped.stream().map(p -> p.getFileName().toString().replace(".yaml", "")))
                .containsExactlyInAnyOrderElementsOf(generated.stream()
                        .map(p -> p.getFileName().toString().replace("-v1.yml", "")).toList());
        for (Path g : generated) {
            Path s = Manifests.DEPLOY.resolve("base/crds").resolve(g.getFileName().toString().replace("-v1.yml", ".yaml"));
            assertThat(Files.exists(s)).isTrue();
            assertThat(Manifests.read(s)).as(s + " differs from the generated " + g + "; copy it over")
                    .isEqualTo(Manifests.read(g));
        }
    }
}
