package io.fleetwarden.artifact;

/**
 * What one artifact layer may cost us. Everything read from a registry is bounded: the layer as downloaded
 * (compressed), what it expands to, how many entries it holds, how big one file may be, and how much it may
 * expand relative to its download (a gzip bomb passes the other limits slowly; the ratio stops it early).
 *
 * @param maxCompressedBytes  the layer blob as stored in the registry
 * @param maxExtractedBytes   the sum of the file sizes of the tree
 * @param maxEntries          tar entries of any kind (files, directories, headers), refused beyond this
 * @param maxFileBytes        one file
 * @param maxCompressionRatio the tar stream over the gzip stream read so far, judged once the tar stream passes
 *                            {@link #RATIO_GRACE_BYTES}
 */
public record ArchiveLimits(long maxCompressedBytes, long maxExtractedBytes, int maxEntries, long maxFileBytes,
        int maxCompressionRatio) {

    /**
     * Tar streams shorter than this are never refused for their ratio: small archives are mostly zero padding and
     * headers, which compress a thousand-fold, and a megabyte is harmless.
     */
    public static final long RATIO_GRACE_BYTES = 1024 * 1024;

    private static final long MIB = 1024 * 1024;

    public ArchiveLimits {
        positive("maxCompressedBytes", maxCompressedBytes);
        positive("maxExtractedBytes", maxExtractedBytes);
        positive("maxEntries", maxEntries);
        positive("maxFileBytes", maxFileBytes);
        positive("maxCompressionRatio", maxCompressionRatio);
    }

    /**
     * 64 MiB compressed, 256 MiB extracted, 20,000 entries, 64 MiB per file, ratio 200. A D2 fleet artifact is a
     * few hundred KiB of YAML; the largest Flux sources seen in practice (CRD bundles) are tens of MiB extracted.
     * YAML compresses 5 to 20 times, so 200 leaves room for repetitive manifests and still stops bombs.
     */
    public static ArchiveLimits defaults() {
        return new ArchiveLimits(64 * MIB, 256 * MIB, 20_000, 64 * MIB, 200);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException("ArchiveLimits." + name + " must be positive, was " + value);
        }
    }
}
