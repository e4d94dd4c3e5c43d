package io.fleetwarden.artifact;

/**
 * A layer we will not turn into a tree, and why. Never a partial result: when extraction refuses, nothing of the
 * archive is kept. Flux reports these as {@code OCIArtifactLayerOperationFailed}.
 */
public final class ArchiveRefused extends ArtifactPullException {

    /** What was wrong with the archive. */
    public enum Reason {
        /** An entry name starting with {@code /}. */
        ABSOLUTE_PATH,
        /** An entry name with a {@code ..} segment. */
        PARENT_TRAVERSAL,
        /** An entry name that is empty, or holds a backslash or a control character. */
        ILLEGAL_PATH,
        /** A symbolic or hard link whose target leaves the artifact's root. */
        LINK_OUTSIDE_ROOT,
        /** A symbolic or hard link that stays inside the root: refused too (see {@link ArtifactArchive}). */
        LINK,
        /** A character or block device, or a FIFO. */
        SPECIAL_FILE,
        /** Any other entry type (sparse files, contiguous files, unknown type flags). */
        UNSUPPORTED_ENTRY,
        /** The same file twice. */
        DUPLICATE_PATH,
        /** A file whose path is also a directory of other files (or the other way round). */
        PATH_CONFLICT,
        /** More entries than {@link ArchiveLimits#maxEntries()}. */
        TOO_MANY_ENTRIES,
        /** A file over {@link ArchiveLimits#maxFileBytes()}. */
        FILE_TOO_LARGE,
        /** Files summing to more than {@link ArchiveLimits#maxExtractedBytes()}. */
        EXTRACTED_TOO_LARGE,
        /** A layer over {@link ArchiveLimits#maxCompressedBytes()}. */
        COMPRESSED_TOO_LARGE,
        /** A tar stream expanding more than {@link ArchiveLimits#maxCompressionRatio()} times its gzip stream. */
        COMPRESSION_RATIO,
        /** A gzip stream or tar archive that ends early: no gzip trailer, no tar end-of-archive blocks, a cut file. */
        TRUNCATED,
        /** Anything else the gzip or tar reader reports as malformed (bad header, CRC mismatch, not gzip). */
        CORRUPT
    }

    private final Reason reason;

    public ArchiveRefused(Reason reason, String message) {
        super(LAYER_OPERATION_FAILED, message);
        this.reason = reason;
    }

    public ArchiveRefused(Reason reason, String message, Throwable cause) {
        super(LAYER_OPERATION_FAILED, message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
