package io.fleetwarden.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftIgnoreTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    private static ObjectNode yaml(String s) throws Exception {
        return (ObjectNode) YAML.readTree(s);
    }

    private static final String DESIRED = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: apps
              labels: {tier: front}
              annotations: {example.com/owner: platform}
            spec:
              replicas: 1
              template:
                spec:
                  containers:
                  - name: web
                    image: web:1
                    resources: {requests: {cpu: 100m}}
            """;

    /** Live: a VPA applied the container's requests, an HPA scaled through the scale subresource. */
    private static final String LIVE = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: apps
              labels: {tier: front}
              annotations: {example.com/owner: someone}
              managedFields:
              - manager: kustomize-controller
                operation: Apply
                fieldsV1: {"f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {"k:{\\"name\\":\\"web\\"}": {"f:image": {}}}}}}}
              - manager: vpa
                operation: Apply
                fieldsV1: {"f:spec": {"f:template": {"f:spec": {"f:containers": {"k:{\\"name\\":\\"web\\"}": {"f:resources": {}}}}}}}
              - manager: kube-controller-manager
                operation: Update
                subresource: scale
                fieldsV1: {"f:spec": {"f:replicas": {}}}
            spec:
              replicas: 4
              template:
                spec:
                  containers:
                  - name: web
                    image: web:1
                    resources: {requests: {cpu: 250m}}
            """;

    private static DriftIgnore rules(String s) throws Exception {
        return DriftIgnore.compile(YAML.readTree(s));
    }

    @Test
    void aFieldAnotherApplierOwnsIsLeftOutAndOneNobodyElseAppliesTakesTheLiveValue() throws Exception {
        DriftIgnore ignore = rules("""
                - paths: [/spec/replicas, /spec/template/spec/containers/0/resources]
                  target: {kind: Deployment}
                """);
        ObjectNode desired = yaml(DESIRED);
        List<List<String>> paths = ignore.pathsFor(desired);
        ObjectNode payload = DriftIgnore.payload(desired, yaml(LIVE), paths, "kustomize-controller");
        assertThat(payload.at("/spec/replicas").asInt()).as("scaled through a subresource: adopted").isEqualTo(4);
        assertThat(payload.at("/spec/template/spec/containers/0").has("resources"))
                .as("the VPA's apply owns it (found through the container's k: key): left out").isFalse();
        assertThat(payload.at("/metadata/annotations/example.com~1owner").asText())
                .as("not ignored: applied as desired").isEqualTo("platform");
        assertThat(desired.at("/spec/replicas").asInt()).as("the desired object is not changed").isEqualTo(1);
    }

    @Test
    void onlyIgnoredPathsAreLeftOutOfTheDriftCheck() throws Exception {
        DriftIgnore ignore = rules("- paths: [/spec/replicas, /metadata/annotations/example.com~1owner]");
        ObjectNode desired = yaml(DESIRED);
        ObjectNode live = yaml(LIVE);
        ((ObjectNode) live.at("/spec/template/spec/containers/0/resources/requests")).put("cpu", "100m");
        assertThat(LiveComparison.firstDifference(DriftIgnore.without(desired, ignore.pathsFor(desired)), live))
                .as("replicas and the escaped annotation key differ, both ignored").isEmpty();
        assertThat(LiveComparison.firstDifference(desired, live)).isPresent();
    }

    @Test
    void targetsSelectByKindNameNamespaceAndLabels() throws Exception {
        ObjectNode desired = yaml(DESIRED);
        assertThat(rules("- {paths: [/spec/replicas], target: {kind: Deploy.*, labelSelector: tier=front}}")
                .pathsFor(desired)).hasSize(1);
        assertThat(rules("- {paths: [/spec/replicas], target: {kind: Deploy}}").pathsFor(desired))
                .as("anchored, as Flux's selector").isEmpty();
        assertThat(rules("- {paths: [/spec/replicas], target: {namespace: other}}").pathsFor(desired)).isEmpty();
        assertThat(rules("- {paths: [/spec/replicas], target: {labelSelector: tier!=front}}").pathsFor(desired))
                .isEmpty();
    }

    @Test
    void aPathTheLiveObjectLacksIsSetToNullAndOneWeDoNotSetIsLeftAlone() throws Exception {
        ObjectNode desired = yaml(DESIRED);
        ObjectNode live = yaml(LIVE);
        ((ObjectNode) live.get("spec")).remove("replicas");
        DriftIgnore ignore = rules("- paths: [/spec/replicas, /spec/paused]");
        ObjectNode payload = DriftIgnore.payload(desired, live, ignore.pathsFor(desired), "kustomize-controller");
        JsonNode replicas = payload.at("/spec/replicas");
        assertThat(replicas.isNull()).as("adopting an absent value, as Flux's replace with nil").isTrue();
        assertThat(payload.at("/spec").has("paused")).isFalse();
    }

    @Test
    void badRulesNameTheirField() {
        assertThatThrownBy(() -> rules("- paths: []")).hasMessage("spec.ignore[0].paths: at least one JSON pointer is "
                + "required");
        assertThatThrownBy(() -> rules("- paths: [spec/replicas]"))
                .hasMessage("spec.ignore[0].paths[0]: \"spec/replicas\" is not a JSON pointer (it starts with /)");
        assertThatThrownBy(() -> rules("- paths: [\"\"]")).hasMessageStartingWith("spec.ignore[0].paths[0]: \"\" would "
                + "ignore the whole object");
    }
}
