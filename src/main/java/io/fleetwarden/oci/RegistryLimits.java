package io.fleetwarden.oci;

/**
 * Upper bounds on everything {@link HttpRegistryClient} reads from a registry. A registry is outside our
 * trust boundary: without bounds, one hostile or broken registry could exhaust the memory of a webhook
 * shared by the whole cluster. Exceeding a bound is {@link RegistryException.Kind#TOO_LARGE}.
 *
 * @param maxManifestBytes  largest manifest or index body (the spec's registries accept 4 MiB)
 * @param maxIndexEntries   most entries in an index or in all pages of a referrers answer together
 * @param maxTags           most tags listed for one repository, over all pages
 * @param maxPages          most pages followed for one tag or referrers listing
 * @param maxListPageBytes  largest body of one tag-list or referrers page
 * @param tagPageSize       the {@code n} asked for per tag page; 0 lets the registry choose
 */
public record RegistryLimits(long maxManifestBytes, int maxIndexEntries, int maxTags, int maxPages,
        long maxListPageBytes, int tagPageSize) {

    public static final long DEFAULT_MAX_MANIFEST_BYTES = 4L * 1024 * 1024;
    public static final int DEFAULT_MAX_INDEX_ENTRIES = 1000;
    public static final int DEFAULT_MAX_TAGS = 10_000;
    public static final int DEFAULT_MAX_PAGES = 100;
    public static final long DEFAULT_MAX_LIST_PAGE_BYTES = 4L * 1024 * 1024;

    public RegistryLimits {
        if (maxManifestBytes <= 0 || maxIndexEntries <= 0 || maxTags <= 0 || maxPages <= 0 || maxListPageBytes <= 0) {
            throw new IllegalArgumentException("registry limits must be positive: maxManifestBytes=" + maxManifestBytes
                    + ", maxIndexEntries=" + maxIndexEntries + ", maxTags=" + maxTags + ", maxPages=" + maxPages
                    + ", maxListPageBytes=" + maxListPageBytes);
        }
        if (tagPageSize < 0) {
            throw new IllegalArgumentException("tagPageSize must be 0 (registry default) or positive, was " + tagPageSize);
        }
    }

    public static RegistryLimits defaults() {
        return new RegistryLimits(DEFAULT_MAX_MANIFEST_BYTES, DEFAULT_MAX_INDEX_ENTRIES, DEFAULT_MAX_TAGS,
                DEFAULT_MAX_PAGES, DEFAULT_MAX_LIST_PAGE_BYTES, 0);
    }

    public RegistryLimits withTagPageSize(int n) {
        return new RegistryLimits(maxManifestBytes, maxIndexEntries, maxTags, maxPages, maxListPageBytes, n);
    }

    public RegistryLimits withMaxTags(int n) {
        return new RegistryLimits(maxManifestBytes, maxIndexEntries, n, maxPages, maxListPageBytes, tagPageSize);
    }
}
