package io.fleetwarden.apply;

import static io.fleetwarden.apply.ApplyFixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class SecretMaskTest {

    @Test
    void keepsKeysAndHidesValuesMarkingThoseThatChanged() {
        ObjectNode live = yaml("""
                apiVersion: v1
                kind: Secret
                metadata:
                  annotations: {kubectl.kubernetes.io/last-applied-configuration: '{"data":{"a":"czE="}}', team: x}
                data: {same: czE=, changed: b2xk, removed: Z29uZQ==}
                stringData: {plain: secret-text}
                """);
        ObjectNode after = yaml("""
                apiVersion: v1
                kind: Secret
                metadata:
                  annotations: {kubectl.kubernetes.io/last-applied-configuration: '{"data":{"a":"czI="}}', team: x}
                data: {same: czE=, changed: bmV3, added: YWRk}
                """);
        SecretMask.mask(live, after);
        assertThat(live.get("data").toString())
                .isEqualTo("{\"same\":\"*****\",\"changed\":\"***** (before)\",\"removed\":\"*****\"}");
        assertThat(after.get("data").toString())
                .isEqualTo("{\"same\":\"*****\",\"changed\":\"***** (after)\",\"added\":\"*****\"}");
        assertThat(live.get("stringData").toString()).isEqualTo("{\"plain\":\"*****\"}");
        assertThat(live.at("/metadata/annotations").toString()).isEqualTo(
                "{\"kubectl.kubernetes.io/last-applied-configuration\":\"***** (before)\",\"team\":\"x\"}");
        assertThat(after.at("/metadata/annotations").toString()).isEqualTo(
                "{\"kubectl.kubernetes.io/last-applied-configuration\":\"***** (after)\",\"team\":\"x\"}");
    }

    @Test
    void otherKindsAreLeftAlone() {
        ObjectNode live = yaml("apiVersion: v1\nkind: ConfigMap\ndata: {k: one}\n");
        ObjectNode after = yaml("apiVersion: v1\nkind: ConfigMap\ndata: {k: two}\n");
        SecretMask.mask(live, after);
        assertThat(live.at("/data/k").asText()).isEqualTo("one");
        assertThat(after.at("/data/k").asText()).isEqualTo("two");
    }
}
