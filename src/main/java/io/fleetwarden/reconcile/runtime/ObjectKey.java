package io.fleetwarden.reconcile.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Which object a reconcile is about; the queue's unit of work (never two reconciles of one key at once). */
public record ObjectKey(String namespace, String name) {

    public static ObjectKey of(HasMetadata o) {
        return new ObjectKey(o.getMetadata().getNamespace(), o.getMetadata().getName());
    }

    @Override
    public String toString() {
        return namespace == null ? name : namespace + "/" + name;
    }
}
