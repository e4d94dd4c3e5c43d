package io.fleetwarden.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubstitutionTest {

    private static ObjectNode obj(String yaml) {
        return Yaml.object("test", yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static String eval(String s, Map<String, String> vars) {
        return Substitution.eval(s, vars, "test");
    }

    @Test
    void plainDefaultsAndUndefined() {
        Map<String, String> vars = Map.of("A", "a", "EMPTY", "");
        assertThat(eval("x ${A} y", vars)).isEqualTo("x a y");
        assertThat(eval("${MISSING}", vars)).isEmpty();
        assertThat(eval("${MISSING:=dflt}", vars)).isEqualTo("dflt");
        assertThat(eval("${MISSING:-dflt}", vars)).isEqualTo("dflt");
        assertThat(eval("${EMPTY:=dflt}", vars)).isEqualTo("dflt");
        assertThat(eval("${MISSING=dflt}", vars)).isEqualTo("dflt");
        assertThat(eval("${A:=dflt}", vars)).isEqualTo("a");
    }

    @Test
    void escapesAndBareDollarsAreLeftAlone() {
        Map<String, String> vars = Map.of("A", "a");
        assertThat(eval("$${A} and $A and $", vars)).isEqualTo("${A} and $A and $");
    }

    @Test
    void bashStyleOperators() {
        Map<String, String> vars = Map.of("V", "hello-world");
        assertThat(eval("${V:0:5}", vars)).isEqualTo("hello");
        assertThat(eval("${V:6}", vars)).isEqualTo("world");
        assertThat(eval("${V/o/0}", vars)).isEqualTo("hell0-world");
        assertThat(eval("${V//o/0}", vars)).isEqualTo("hell0-w0rld");
        assertThat(eval("${#V}", vars)).isEqualTo("11");
        assertThat(eval("${V^}", vars)).isEqualTo("Hello-world");
        assertThat(eval("${V^^}", vars)).isEqualTo("HELLO-WORLD");
    }

    @Test
    void numbersBecomeNumbersBecauseTheYamlIsParsedAgain() {
        ObjectNode o = obj("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${R}\n"
                + "  template:\n    metadata:\n      annotations:\n        domain: ${CLUSTER_DOMAIN:=cluster.local}\n");
        ObjectNode out = Substitution.apply(List.of(o), Map.of("R", "3")).get(0);
        assertThat(out.path("spec").path("replicas").isIntegralNumber()).isTrue();
        assertThat(out.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(out.path("spec").path("template").path("metadata").path("annotations").path("domain").asText())
                .isEqualTo("cluster.local");
    }

    @Test
    void optOutByLabelOrAnnotationAndNothingWithoutVariables() {
        ObjectNode labelled = obj("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n"
                + "    kustomize.toolkit.fluxcd.io/substitute: disabled\ndata:\n  k: ${A}\n");
        ObjectNode annotated = obj("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  annotations:\n"
                + "    kustomize.toolkit.fluxcd.io/substitute: disabled\ndata:\n  k: ${A}\n");
        ObjectNode plain = obj("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: ${A}\n  e: $${A}\n");
        List<ObjectNode> out = Substitution.apply(List.of(labelled, annotated, plain), Map.of("A", "x"));
        assertThat(out.get(0).path("data").path("k").asText()).isEqualTo("${A}");
        assertThat(out.get(1).path("data").path("k").asText()).isEqualTo("${A}");
        assertThat(out.get(2).path("data").path("k").asText()).isEqualTo("x");
        assertThat(out.get(2).path("data").path("e").asText()).isEqualTo("${A}");
        assertThat(Substitution.apply(List.of(plain), Map.of()).get(0).path("data").path("k").asText())
                .isEqualTo("${A}");
    }

    @Test
    void invalidNamesAndUnsupportedOperatorsAreErrors() {
        assertThatThrownBy(() -> Substitution.apply(List.of(), Map.of("1BAD", "x")))
                .isInstanceOf(RenderException.class).hasMessageContaining("'1BAD' var name is invalid");
        assertThatThrownBy(() -> eval("${A%%x}", Map.of("A", "a"))).isInstanceOf(RenderException.class)
                .hasMessageContaining("unsupported substitution '${A%%x}'");
        assertThatThrownBy(() -> eval("${A", Map.of("A", "a"))).isInstanceOf(RenderException.class)
                .hasMessageContaining("unterminated");
    }

    /** substituteStrategy: Always lets defaults apply without any variable; the default strategy leaves them. */
    @Test
    void withoutVariablesOnlyTheAlwaysStrategySubstitutes() {
        ObjectNode cm = obj("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: ${REGION:=eu-west-1}\n");
        assertThat(Substitution.apply(List.of(cm), Map.of(), false).get(0).at("/data/k").asText())
                .isEqualTo("${REGION:=eu-west-1}");
        assertThat(Substitution.apply(List.of(cm), Map.of(), true).get(0).at("/data/k").asText())
                .isEqualTo("eu-west-1");
    }

    /** A Secret written from a file ends in a newline; Flux drops newlines from every value, and so do we. */
    @Test
    void newlinesInValuesAreDroppedAsFluxDrops() {
        ObjectNode cm = obj("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  host: ${HOST}\n"
                + "  port: \"${PORT}\"\n");
        ObjectNode out = Substitution.apply(List.of(cm), Map.of("HOST", "db.example.com\n", "PORT", "54\n32\n")).get(0);
        assertThat(out.at("/data/host").asText()).isEqualTo("db.example.com");
        assertThat(out.at("/data/port").asText()).isEqualTo("5432");
    }
}
