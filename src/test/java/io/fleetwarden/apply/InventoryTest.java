package io.fleetwarden.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InventoryTest {

    private static final ObjectRef DEPLOYMENT = new ObjectRef("apps", "v1", "Deployment", "apps", "frontend");
    private static final ObjectRef NAMESPACE = new ObjectRef("", "v1", "Namespace", "", "apps");
    private static final ObjectRef ROLE = new ObjectRef("rbac.authorization.k8s.io", "v1", "ClusterRole", "",
            "system:fleet:reader");

    @Test
    void idsAreFluxsAndParseBack() {
        assertThat(DEPLOYMENT.inventoryId()).isEqualTo("apps_frontend_apps_Deployment");
        assertThat(NAMESPACE.inventoryId()).isEqualTo("_apps__Namespace");
        // cli-utils writes an RBAC name's ':' as "__".
        assertThat(ROLE.inventoryId()).isEqualTo("_system__fleet__reader_rbac.authorization.k8s.io_ClusterRole");
        for (ObjectRef ref : List.of(DEPLOYMENT, NAMESPACE, ROLE)) {
            assertThat(ObjectRef.fromInventory(ref.inventoryId(), ref.version())).isEqualTo(ref);
        }
        assertThatThrownBy(() -> ObjectRef.fromInventory("apps_frontend", "v1"))
                .hasMessageContaining("inventory id 'apps_frontend' is not <namespace>_<name>_<group>_<kind>");
    }

    @Test
    void jsonIsWhatFluxWritesInStatusInventory() {
        Inventory inventory = Inventory.of(List.of(NAMESPACE, DEPLOYMENT));
        String json = inventory.toJson();
        assertThat(json).isEqualTo("{\"entries\":[{\"id\":\"_apps__Namespace\",\"v\":\"v1\"},"
                + "{\"id\":\"apps_frontend_apps_Deployment\",\"v\":\"v1\"}]}");
        assertThat(Inventory.fromJson(json)).isEqualTo(inventory);
        assertThat(inventory.encodedBytes()).isEqualTo(json.length());
        assertThatThrownBy(() -> Inventory.fromJson("{\"entries\":[{\"id\":1}]}"))
                .hasMessageContaining("status.inventory is not");
    }

    @Test
    void applyOrderIsFluxsStagesThenKindOrder() {
        ApplyResult result = new ApplyResult(List.of(
                applied(NAMESPACE), applied(ROLE), applied(DEPLOYMENT)), List.of(), List.of());
        assertThat(result.inventory().entries()).extracting(Inventory.Entry::id)
                .containsExactly("_apps__Namespace", ROLE.inventoryId(), "apps_frontend_apps_Deployment");
        List<ObjectRef> sorted = new ArrayList<>(List.of(
                new ObjectRef("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "", "w"),
                new ObjectRef("example.com", "v1", "Widget", "apps", "w"), DEPLOYMENT,
                new ObjectRef("", "v1", "ConfigMap", "apps", "b"), new ObjectRef("", "v1", "ConfigMap", "apps", "a"),
                NAMESPACE));
        sorted.sort(FluxOrder.OBJECTS);
        assertThat(sorted).extracting(r -> r.kind() + "/" + r.name()).containsExactly("Namespace/apps",
                "ConfigMap/a", "ConfigMap/b", "Deployment/frontend", "Widget/w", "ValidatingWebhookConfiguration/w");
    }

    @Test
    void staleIsWhatTheNextInventoryNoLongerHoldsIgnoringVersion() {
        Inventory old = Inventory.of(List.of(NAMESPACE, DEPLOYMENT, ROLE));
        Inventory next = Inventory.of(List.of(NAMESPACE,
                new ObjectRef("apps", "v2", "Deployment", "apps", "frontend")));
        assertThat(old.staleAfter(next)).containsExactly(ROLE);
        assertThat(next.withSurvivors(List.of(ROLE, NAMESPACE)).entries()).extracting(Inventory.Entry::id)
                .containsExactly("_apps__Namespace", "apps_frontend_apps_Deployment", ROLE.inventoryId());
    }

    /** O(n): an O(n·m) diff (kustomize-controller#1720) of 100,000 by 100,000 entries would not end in time. */
    @Test
    void staleDiffIsLinear() {
        int n = 100_000;
        List<ObjectRef> before = new ArrayList<>(n);
        List<ObjectRef> after = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            before.add(new ObjectRef("", "v1", "ConfigMap", "ns", "cm-" + i));
            after.add(new ObjectRef("", "v1", "ConfigMap", "ns", "cm-" + (i + n / 2)));
        }
        Inventory old = Inventory.of(before);
        Inventory next = Inventory.of(after);
        long start = System.nanoTime();
        List<ObjectRef> stale = old.staleAfter(next);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("staleAfter of " + n + " x " + n + " entries took " + millis + " ms");
        assertThat(stale).hasSize(n / 2).first().isEqualTo(before.get(0));
        assertThat(millis).isLessThan(5_000);
    }

    @Test
    void sizeCheckFailsWithSizeLimitAndRemedy() {
        List<ObjectRef> refs = new ArrayList<>();
        for (int i = 0; i < 15_000; i++) {
            refs.add(new ObjectRef("apps", "v1", "Deployment", "tenant-namespace", "deployment-number-" + i));
        }
        Inventory big = Inventory.of(refs);
        System.out.println("inventory of 15000 Deployments: " + big.encodedBytes() + " bytes");
        assertThatThrownBy(() -> big.check(Inventory.DEFAULT_MAX_BYTES))
                .isInstanceOf(Inventory.InventoryTooLarge.class)
                .hasMessageMatching("the inventory of 15000 objects is \\d+ bytes, above the limit of 1048576 bytes"
                        + " \\(kept under the API server's 1.5 MiB object limit so that the status still fits\\);"
                        + " split this Kustomization into smaller ones");
        Inventory.of(refs.subList(0, 1000)).check(Inventory.DEFAULT_MAX_BYTES);
    }

    private static ApplyResult.Applied applied(ObjectRef ref) {
        return new ApplyResult.Applied(ref, ApplyResult.Action.CREATED, null, java.util.Optional.empty());
    }
}
