package io.fleetwarden.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ArtifactTree}: immutable, and only well-formed paths. */
class ArtifactTreeTest {

    @Test
    void neitherTheCallerNorAReaderCanChangeWhatOthersRead() {
        byte[] content = "kind: ConfigMap".getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> files = new HashMap<>(Map.of("a.yaml", content));
        ArtifactTree tree = ArtifactTree.of(files);

        content[0] = 'X';
        files.put("b.yaml", new byte[1]);
        tree.read("a.yaml").orElseThrow()[1] = 'Y';

        assertThat(tree.read("a.yaml")).hasValue("kind: ConfigMap".getBytes(StandardCharsets.UTF_8));
        assertThat(tree.paths()).containsExactly("a.yaml");
    }

    @Test
    void pathsMustBeRelativeSlashPathsWithoutDotSegments() {
        assertThatThrownBy(() -> ArtifactTree.of(Map.of("./a.yaml", new byte[0])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid path \"./a.yaml\" in an artifact tree: an empty, \".\" or \"..\" segment");
        assertThatThrownBy(() -> ArtifactTree.of(Map.of("/a.yaml", new byte[0])))
                .hasMessage("invalid path \"/a.yaml\" in an artifact tree: absolute");
        assertThatThrownBy(() -> ArtifactTree.of(Map.of("a", new byte[0], "a/b", new byte[0])))
                .hasMessage("invalid artifact tree: \"a\" is a file and also the directory of \"a/b\"");
    }
}
