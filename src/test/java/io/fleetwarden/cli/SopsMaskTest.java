package io.fleetwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.apply.DryRun;
import io.fleetwarden.apply.ObjectRef;
import io.fleetwarden.render.Yaml;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code diff kustomization} and a masked Secret, as {@code flux diff kustomization}: its values say nothing, so it
 * has drifted only when its keys differ from the live object's.
 */
class SopsMaskTest {

    private static ObjectNode yaml(String s) {
        return Yaml.object("t.yaml", s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aMaskedSecretDriftsOnlyWhenItsKeysDo() {
        ObjectNode built = SopsMask.mask(List.of(yaml("""
                apiVersion: v1
                kind: Secret
                metadata: {name: db, namespace: apps}
                data: {password: ENC-is-not-here}
                sops: {mac: "ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]", age: []}
                """))).get(0);
        assertThat(built.has("sops")).isFalse();
        assertThat(built.path("data").path("password").asText()).isEqualTo("KipTT1BTKio=");
        ObjectNode plain = yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: plain, namespace: apps}\n"
                + "data: {a: YQ==}\n");
        ObjectRef db = ObjectRef.of(built);
        ObjectRef plainRef = ObjectRef.of(plain);
        ObjectNode sameKeys = yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {password: bGl2ZQ==}\n");
        ObjectNode otherKeys = yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {pass: bGl2ZQ==}\n");

        List<DryRun.Change> changes = SopsMask.compareByKeys(List.of(built, plain), List.of(
                new DryRun.Drifted(db, sameKeys, built), new DryRun.Drifted(plainRef, plain, plain)));
        assertThat(changes.get(0)).isEqualTo(new DryRun.Unchanged(db));
        assertThat(changes.get(1)).isInstanceOf(DryRun.Drifted.class);

        List<DryRun.Change> renamed = SopsMask.compareByKeys(List.of(built), List.of(
                new DryRun.Drifted(db, otherKeys, built)));
        assertThat(renamed.get(0)).isInstanceOf(DryRun.Drifted.class);
    }
}
