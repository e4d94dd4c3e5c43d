package io.fleetwarden.render.resourceset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.golang.GoStrconv;
import io.fleetwarden.render.resourceset.ResourceSetRenderer.RenderException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Errors, limits and refusals of the renderer (what it renders is proven against Flux Operator elsewhere). */
class ResourceSetRendererTest {

    @SuppressWarnings("unchecked")
    static Map<String, Object> rset(String yaml) throws RenderException {
        return (Map<String, Object>) ResourceSetRenderer.readYaml(yaml).get(0);
    }

    static String render(String yaml) throws RenderException {
        return ResourceSetRenderer.toYaml(ResourceSetRenderer.render(rset(yaml), List.of()));
    }

    static final String HEAD = """
            apiVersion: fluxcd.controlplane.io/v1
            kind: ResourceSet
            metadata: {name: rs, namespace: apps}
            spec:
            """;

    @Test
    void aTemplateErrorNamesTheResourceTheInputSetAndThePosition() {
        assertThatThrownBy(() -> render(HEAD + """
                  inputs: [{app: a}, {app: b, semver: "1.x"}]
                  resources:
                    - apiVersion: v1
                      kind: ConfigMap
                      metadata: {name: << inputs.app >>-cm, namespace: apps}
                      data:
                        v: << inputs.semver >>
                """))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("resources[0] (ConfigMap/<< inputs.app >>-cm)")
                .hasMessageContaining("input set #0 from ResourceSet/rs")
                .hasMessageContaining("resourceset:3:8:")
                .hasMessageContaining("map has no entry for key \"semver\"");
    }

    @Test
    void unknownAndUnsupportedFunctionsAreNamed() {
        assertThatThrownBy(() -> render(HEAD + """
                  resourcesTemplate: |
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: << frobnicate "x" >>, namespace: apps}
                """)).hasMessageContaining("resourceset:3:20: function \"frobnicate\" not defined");
        assertThatThrownBy(() -> render(HEAD + """
                  resourcesTemplate: |
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: << randInt 1 5 >>, namespace: apps}
                """)).hasMessageContaining("function \"randInt\" is not supported by fleetwarden");
        assertThatThrownBy(() -> render(HEAD + """
                  resourcesTemplate: |
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: << env "HOME" >>, namespace: apps}
                """)).hasMessageContaining("function \"env\" not defined (Flux Operator removes the non-hermetic");
    }

    @Test
    void goBracesPassThroughAndTrimMarkersTrim() throws RenderException {
        String out = render(HEAD + """
                  inputs: [{app: a}]
                  resourcesTemplate: |
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: << inputs.app >>, namespace: apps}
                    data:
                      helm: "{{ .Values.image }}"
                      trim: "x   <<- "y" ->>   z"
                """);
        assertThat(out).contains("helm: '{{ .Values.image }}'").contains("trim: xyz");
    }

    @Test
    void runawayTemplatesAreStoppedByTheLimits() {
        assertThatThrownBy(() -> render(HEAD + """
                  resourcesTemplate: |
                    << define "loop" >><< template "loop" . >><< end >><< template "loop" 1 >>
                """)).hasMessageContaining("exceeded maximum template depth (100)");
        assertThatThrownBy(() -> render(HEAD + """
                  resourcesTemplate: |
                    << range $i := 2000000 >>x<< end >>
                """)).hasMessageContaining("iterations");
        assertThatThrownBy(() -> render(HEAD + """
                  resourcesTemplate: |
                    << range until 1000 >><< range until 1000 >><< range until 10 >>.<< end >><< end >><< end >>
                """)).hasMessageContaining("evaluation steps");
        assertThatThrownBy(() -> render(HEAD + """
                  resourcesTemplate: |
                    << repeat 100000000 "x" >>
                """)).hasMessageContaining("repeat result larger than");
    }

    @Test
    void permutationsAreBounded() {
        StringBuilder inputs = new StringBuilder("  inputs:\n");
        for (int i = 0; i < 10_001; i++) {
            inputs.append("    - {i: ").append(i).append("}\n");
        }
        assertThatThrownBy(() -> render(HEAD + inputs + """
                  resourcesTemplate: |
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: c<< inputs.i >>, namespace: apps}
                """)).hasMessageContaining("more than 10000 input sets");
    }

    @Test
    void theCrdsStructuralRulesAreEnforced() {
        assertThatThrownBy(() -> render(HEAD + """
                  resources: [{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}]
                  steps: [{name: one, resources: [{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}]}]
                """)).hasMessageContaining("mutually exclusive");
        assertThatThrownBy(() -> render(HEAD + """
                  steps:
                    - {name: one, resourcesTemplate: "x"}
                    - {name: one, resourcesTemplate: "y"}
                """)).hasMessageContaining("step names must be unique");
        assertThatThrownBy(() -> render(HEAD + """
                  inputStrategy: {name: Merge}
                  resourcesTemplate: "x"
                """)).hasMessageContaining("unknown input strategy: 'Merge'");
    }

    @Test
    void aNonStaticProviderIsRefusedByType() throws RenderException {
        Map<String, Object> rs = rset(HEAD + """
                  inputsFrom: [{name: prs}]
                  resourcesTemplate: "x"
                """);
        @SuppressWarnings("unchecked")
        Map<String, Object> provider = (Map<String, Object>) ResourceSetRenderer.readYaml("""
                apiVersion: fluxcd.controlplane.io/v1
                kind: ResourceSetInputProvider
                metadata: {name: prs, namespace: apps}
                spec: {type: GitHubPullRequest}
                """).get(0);
        assertThatThrownBy(() -> ResourceSetRenderer.render(rs, List.of(provider)))
                .hasMessageContaining("unsupported provider type 'GitHubPullRequest'");
    }

    @Test
    void goValuesPrintAsGoPrintsThem() {
        assertThat(GoStrconv.formatFloat(340788154d, 'g', -1)).isEqualTo("3.40788154e+08");
        assertThat(GoStrconv.formatFloat(100000d, 'g', -1)).isEqualTo("100000");
        assertThat(GoStrconv.formatFloat(1e-5, 'g', -1)).isEqualTo("1e-05");
        assertThat(GoStrconv.formatFloat(0.25, 'g', -1)).isEqualTo("0.25");
        assertThat(GoFmt.sprintf("%5.2f|%-4s|%04d|%q|%x", List.of(0.25, "ab", 7, "a\"b", 255)))
                .isEqualTo(" 0.25|ab  |0007|\"a\\\"b\"|ff");
        assertThat(Inputs.normalizeKey("Team1.Apps  x--y")).isEqualTo("team1_apps_x_y");
        assertThat(Functions.slugify("My App_Name & Co @ Home!")).isEqualTo("my-app_name-and-co-at-home");
    }
}
