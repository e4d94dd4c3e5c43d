package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A target selector over objects as they stand ({@code group}, {@code version}, {@code kind}, {@code name},
 * {@code namespace} as anchored RE2 expressions; {@code labelSelector} and {@code annotationSelector} as Kubernetes
 * label selectors), for rules outside a kustomization such as a Flux Kustomization's {@code spec.ignore[].target}.
 * Compiled once; an invalid expression is refused at {@link #parse}.
 */
public final class ObjectSelector {

    private final Selector selector;
    private final String field;

    private ObjectSelector(Selector selector, String field) {
        this.selector = selector;
        this.field = field;
    }

    /** @throws RenderException naming {@code field} and what is wrong with it */
    public static ObjectSelector parse(JsonNode target, String field) {
        return new ObjectSelector(Selector.parse(target, null, field), field);
    }

    /** @throws RenderException when a label or annotation selector cannot be read */
    public boolean matches(JsonNode object) {
        return selector.matchesObject(object, null, field);
    }
}
