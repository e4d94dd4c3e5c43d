package io.fleetwarden.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a Kustomization applied, as Flux writes it in {@code status.inventory}:
 * {@code {"entries":[{"id":"<ns>_<name>_<group>_<kind>","v":"<version>"}]}}, entries in apply order (stage by
 * stage, each stage in {@link FluxOrder}), which is the order {@link ApplyResult#inventory()} gives.
 */
@RegisterForReflection
public record Inventory(List<Entry> entries) {

    /**
     * The largest inventory we write. The API server refuses an object whose request is above etcd's 1.5 MiB
     * limit, and the inventory shares the Kustomization's status with conditions and history; 1 MiB leaves that
     * room and fails with our message instead of an opaque
     * "etcdserver: request is too large" on every status write. An entry is ~75 bytes (15,000 Deployments named
     * like {@code tenant-namespace/deployment-number-N} are 1.1 MB, InventoryTest), so 1 MiB is ~14,000 objects.
     */
    public static final int DEFAULT_MAX_BYTES = 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One object: Flux's id and the API version it was applied with. */
    @RegisterForReflection
    public record Entry(String id, String v) {

        public Entry {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(v, "v");
        }

        public ObjectRef ref() {
            return ObjectRef.fromInventory(id, v);
        }
    }

    public Inventory {
        entries = List.copyOf(entries);
    }

    public static Inventory empty() {
        return new Inventory(List.of());
    }

    /** The inventory of these objects, in the order given. */
    public static Inventory of(List<ObjectRef> refs) {
        List<Entry> entries = new ArrayList<>(refs.size());
        for (ObjectRef ref : refs) {
            entries.add(new Entry(ref.inventoryId(), ref.version()));
        }
        return new Inventory(entries);
    }

    public static Inventory fromJson(String json) {
        try {
            Inventory read = JSON.readValue(json, Inventory.class);
            return read.entries() == null ? empty() : read;
        } catch (JsonProcessingException | NullPointerException e) {
            throw new IllegalArgumentException("status.inventory is not {\"entries\":[{\"id\":…,\"v\":…}]}: "
                    + e.getMessage(), e);
        }
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an inventory", e);
        }
    }

    /** The UTF-8 size of {@link #toJson()}, what the inventory adds to the status. */
    public int encodedBytes() {
        return toJson().getBytes(StandardCharsets.UTF_8).length;
    }

    /** Fails with a message naming the size, the limit and the remedy when the inventory is above {@code maxBytes}. */
    public void check(int maxBytes) {
        int bytes = encodedBytes();
        if (bytes > maxBytes) {
            throw new InventoryTooLarge("the inventory of " + entries.size() + " objects is " + bytes
                    + " bytes, above the limit of " + maxBytes + " bytes (kept under the API server's 1.5 MiB"
                    + " object limit so that the status still fits); split this Kustomization into smaller ones");
        }
    }

    /**
     * The objects in this inventory that {@code next} no longer holds, matched by id only (a new API version of
     * the same object is not stale), in this inventory's order. One pass over each: O(n + m).
     */
    public List<ObjectRef> staleAfter(Inventory next) {
        Set<String> kept = new HashSet<>(next.entries.size() * 2);
        for (Entry entry : next.entries) {
            kept.add(entry.id());
        }
        List<ObjectRef> stale = new ArrayList<>();
        for (Entry entry : entries) {
            if (!kept.contains(entry.id())) {
                stale.add(entry.ref());
            }
        }
        return stale;
    }

    /**
     * This inventory plus the objects whose prune was not confirmed, so that the next reconcile tries again
     * (kustomize-controller#1664: an inventory that forgets a refused deletion leaves an untracked orphan).
     */
    public Inventory withSurvivors(List<ObjectRef> survivors) {
        if (survivors.isEmpty()) {
            return this;
        }
        Set<String> present = new HashSet<>(entries.size() * 2);
        List<Entry> merged = new ArrayList<>(entries);
        for (Entry entry : entries) {
            present.add(entry.id());
        }
        for (ObjectRef survivor : survivors) {
            if (present.add(survivor.inventoryId())) {
                merged.add(new Entry(survivor.inventoryId(), survivor.version()));
            }
        }
        return new Inventory(merged);
    }

    /** The inventory would not fit in the Kustomization's status. */
    public static final class InventoryTooLarge extends RuntimeException {

        InventoryTooLarge(String message) {
            super(message);
        }
    }
}
