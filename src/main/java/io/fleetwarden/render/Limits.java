package io.fleetwarden.render;

/**
 * Bounds on one build, so that a hostile or broken artifact cannot exhaust the reconciler: files read (each
 * file once per read, kustomizations included), bytes read in total, YAML documents parsed, and the depth of
 * kustomization nesting (resources and components that are directories). Exceeding one is a
 * {@link RenderException} naming the limit.
 */
public record Limits(int maxFiles, long maxBytes, int maxDocuments, int maxDepth) {

    /** 5000 files, 64 MiB, 20000 documents, 20 levels: far above D2's components, far below a JVM's heap. */
    public static final Limits DEFAULT = new Limits(5_000, 64L * 1024 * 1024, 20_000, 20);
}
