package io.fleetwarden.apply;

import static io.fleetwarden.apply.ApplyFixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LiveComparisonTest {

    @Test
    void fieldsTheServerAddedDoNotCountAndFieldsWeSetDo() {
        var desired = yaml("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: a, namespace: n, labels: {x: "1"}, creationTimestamp: null}
                data: {k: v}
                """);
        var live = yaml("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: a, namespace: n, uid: u, resourceVersion: "7", labels: {x: "1", other: y}}
                data: {k: v}
                """);
        assertThat(LiveComparison.firstDifference(desired, live)).isEmpty();
        live.with("data").put("k", "edited");
        assertThat(LiveComparison.firstDifference(desired, live)).contains(".data.k");
        live.with("data").put("k", "v");
        live.with("metadata").with("labels").put("x", "1.0");
        // labels are data: "1" and "1.0" are different strings there, whatever their amount
        assertThat(LiveComparison.firstDifference(desired, live)).contains(".metadata.labels.x");
    }

    @Test
    void quantitiesCompareByAmountAndListsByLength() {
        var desired = yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: c
                    resources: {limits: {cpu: 1, memory: 1024Mi}, requests: {cpu: "0.5"}}
                """);
        var live = yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: c
                    image: x
                    resources: {limits: {cpu: "1", memory: 1Gi}, requests: {cpu: 500m}}
                """);
        assertThat(LiveComparison.firstDifference(desired, live)).isEmpty();
        live.with("spec").withArray("containers").addObject().put("name", "sidecar");
        assertThat(LiveComparison.firstDifference(desired, live)).contains(".spec.containers");
    }

    @Test
    void secretStringDataIsComparedAsData() {
        var desired = yaml("""
                apiVersion: v1
                kind: Secret
                metadata: {name: s}
                stringData: {password: hunter2}
                """);
        var live = yaml("""
                apiVersion: v1
                kind: Secret
                metadata: {name: s}
                data: {password: aHVudGVyMg==}
                type: Opaque
                """);
        assertThat(LiveComparison.firstDifference(desired, live)).isEmpty();
        live.with("data").put("password", "b3RoZXI=");
        assertThat(LiveComparison.firstDifference(desired, live)).contains(".data.password");
    }
}
