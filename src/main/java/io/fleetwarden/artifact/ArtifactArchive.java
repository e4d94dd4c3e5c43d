package io.fleetwarden.artifact;

import io.fleetwarden.artifact.ArchiveRefused.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Turns a layer ({@code tar+gzip}, as {@code flux push artifact} writes it) into an {@link ArtifactTree}, or refuses
 * it with an {@link ArchiveRefused} naming the entry and the rule. All or nothing: the tree is returned only after
 * the whole input was read, the gzip trailers (CRC and length) checked, the tar end-of-archive marker seen and the
 * source at its end (for a registry blob stream, that is when its digest has been checked). A partial archive never
 * yields a partial tree.
 *
 * <p>Stricter than Flux, whose extraction for OCIRepository has no size limit and silently skips symlinks:
 * <ul>
 * <li>Links are refused, symbolic or hard, whether they stay inside the root ({@link Reason#LINK}) or leave it
 * ({@link Reason#LINK_OUTSIDE_ROOT}). {@code flux push artifact} never writes links, Flux drops symlinks and fails on
 * hard links, so a tree with links would either differ from what Flux applies or fail there anyway; refusing says
 * so instead of building something else.</li>
 * <li>A file that appears twice is refused ({@link Reason#DUPLICATE_PATH}): tar lets the later copy win, so what a
 * reviewer reads first would not be what is applied.</li>
 * <li>Directory entries only shape the tree (empty directories do not appear in it); a directory entry whose path is
 * also a file is a {@link Reason#PATH_CONFLICT}.</li>
 * <li>PAX extended headers are honoured (long names); PAX global headers are read by the tar reader and not kept.</li>
 * </ul>
 */
public final class ArtifactArchive {

    private ArtifactArchive() {
    }

    /**
     * The tree of {@code tarGz}, read to its end. Does not close {@code tarGz}.
     *
     * @throws ArchiveRefused when the archive breaks a rule or a limit, or is truncated or corrupt
     * @throws IOException    when {@code tarGz} itself fails (for a blob stream, a
     *                        {@link io.fleetwarden.oci.BlobReadException}: the registry's fault, not the archive's)
     */
    public static ArtifactTree extract(InputStream tarGz, ArchiveLimits limits) throws ArchiveRefused, IOException {
        try {
            return read(tarGz, limits);
        } catch (ArchiveStreams.Refusal e) {
            throw e.refused;
        } catch (ArchiveStreams.SourceFailure e) {
            throw e.original;
        } catch (IOException | RuntimeException e) {
            throw unwrap(e, "").original;
        }
    }

    /**
     * The refusal or source failure that {@code e} carries (the gzip or tar reader may have wrapped it), else what
     * the reader itself reported, as a refusal: an early end is TRUNCATED, anything else CORRUPT.
     */
    private static ArchiveStreams.SourceFailure unwrap(Exception e, String where) throws ArchiveRefused {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ArchiveStreams.Refusal refusal) {
                throw refusal.refused;
            }
            if (t instanceof ArchiveStreams.SourceFailure failure) {
                return failure;
            }
        }
        String message = e.getMessage() != null ? e.getMessage()
                : e instanceof EOFException ? "unexpected end of input" : e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof EOFException || m.contains("truncated") || m.contains("premature")
                    || m.contains("unexpected end")) {
                throw new ArchiveRefused(Reason.TRUNCATED, "the layer ends early" + where + ": " + message, e);
            }
        }
        throw new ArchiveRefused(Reason.CORRUPT, "the layer is not a valid tar+gzip archive" + where + ": " + message, e);
    }

    private static ArtifactTree read(InputStream source, ArchiveLimits limits) throws ArchiveRefused, IOException {
        ArchiveStreams.Compressed compressed = new ArchiveStreams.Compressed(source, limits.maxCompressedBytes());
        // Concatenated members are read as one stream, as Go's gzip reader does; bytes after the last member that
        // are not another member make the reader fail ("Unexpected data after a valid .gz stream.").
        GzipCompressorInputStream gunzip = GzipCompressorInputStream.builder().setInputStream(compressed)
                .setDecompressConcatenated(true).get();
        ArchiveStreams.Tar tarBytes = new ArchiveStreams.Tar(gunzip, compressed, limits.maxCompressionRatio());
        TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes, StandardCharsets.UTF_8.name());
        TreeMap<String, byte[]> files = new TreeMap<>();
        Set<String> directories = new HashSet<>();
        long extracted = 0;
        int entries = 0;
        for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
            if (++entries > limits.maxEntries()) {
                throw new ArchiveRefused(Reason.TOO_MANY_ENTRIES, "the layer has more than " + limits.maxEntries()
                        + " entries (at entry \"" + ArtifactPaths.printable(entry.getName()) + "\")");
            }
            if (entry.isGlobalPaxHeader()) {
                // Read (and applied to later entries) by the tar reader; git archive writes one with the commit id.
                tarBytes.entryDataEnded();
                continue;
            }
            String path = ArtifactPaths.normalise(entry.getName());
            refuseUnsupported(entry, path);
            if (entry.isDirectory()) {
                if (entry.getSize() > 0) {
                    throw new ArchiveRefused(Reason.CORRUPT, "directory entry \"" + path + "\" has content ("
                            + entry.getSize() + " bytes)");
                }
                if (!path.isEmpty()) {
                    directories.add(path);
                }
            } else {
                if (path.isEmpty()) {
                    throw new ArchiveRefused(Reason.ILLEGAL_PATH, "file entry \"" + entry.getName() + "\" names the root");
                }
                long size = entry.getSize();
                if (size > limits.maxFileBytes() || size > Integer.MAX_VALUE - 8) {
                    throw new ArchiveRefused(Reason.FILE_TOO_LARGE, "entry \"" + path + "\" is " + size
                            + " bytes, over the limit of " + limits.maxFileBytes() + " bytes per file");
                }
                if (extracted + size > limits.maxExtractedBytes()) {
                    throw new ArchiveRefused(Reason.EXTRACTED_TOO_LARGE, "entry \"" + path + "\" takes the layer to "
                            + (extracted + size) + " bytes, over the limit of " + limits.maxExtractedBytes()
                            + " extracted bytes");
                }
                if (files.containsKey(path)) {
                    throw new ArchiveRefused(Reason.DUPLICATE_PATH, "entry \"" + path + "\" appears twice");
                }
                byte[] content;
                try {
                    content = tar.readNBytes((int) size);
                } catch (IOException | RuntimeException e) {
                    throw unwrap(e, " at entry \"" + path + "\"");
                }
                if (content.length != size) {
                    throw new ArchiveRefused(Reason.TRUNCATED, "entry \"" + path + "\" ends after " + content.length
                            + " of its " + size + " bytes");
                }
                files.put(path, content);
                extracted += size;
            }
            tarBytes.entryDataEnded();
        }
        tarBytes.drain();
        String missingEnd = tarBytes.endOfArchiveProblem();
        if (missingEnd != null) {
            throw new ArchiveRefused(Reason.TRUNCATED, missingEnd);
        }
        if (compressed.read() >= 0) {
            // The gzip reader stops only at the end of its input, so this cannot happen; if it ever does, the source
            // has not been read to its end (and a blob stream has not checked its digest): refuse.
            throw new ArchiveRefused(Reason.CORRUPT, "bytes follow the gzip stream");
        }
        for (String directory : directories) {
            if (files.containsKey(directory)) {
                throw new ArchiveRefused(Reason.PATH_CONFLICT, "entry \"" + directory + "\" is both a file and a directory");
            }
        }
        String conflict = ArtifactPaths.fileUnderFile(files);
        if (conflict != null) {
            throw new ArchiveRefused(Reason.PATH_CONFLICT, "entry " + conflict);
        }
        return ArtifactTree.owning(files);
    }

    /** Refuses every entry type except regular files and directories, naming the entry and its type. */
    private static void refuseUnsupported(TarArchiveEntry entry, String path) throws ArchiveRefused {
        if (entry.isSymbolicLink() || entry.isLink()) {
            boolean symbolic = entry.isSymbolicLink();
            String kind = symbolic ? "symbolic link" : "hard link";
            String target = entry.getLinkName();
            String resolved = ArtifactPaths.resolveLink(path, target, symbolic);
            if (resolved == null) {
                throw new ArchiveRefused(Reason.LINK_OUTSIDE_ROOT, "entry \"" + path + "\" is a " + kind + " to \""
                        + target + "\", outside the artifact");
            }
            throw new ArchiveRefused(Reason.LINK, "entry \"" + path + "\" is a " + kind + " to \"" + target
                    + "\": links are not supported in artifacts");
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            String kind = entry.isFIFO() ? "FIFO" : entry.isCharacterDevice() ? "character device" : "block device";
            throw new ArchiveRefused(Reason.SPECIAL_FILE, "entry \"" + path + "\" is a " + kind);
        }
        boolean regular = entry.isFile() && (entry.getLinkFlag() == TarArchiveEntry.LF_NORMAL
                || entry.getLinkFlag() == TarArchiveEntry.LF_OLDNORM);
        if (entry.isSparse() || !(regular || entry.isDirectory())) {
            throw new ArchiveRefused(Reason.UNSUPPORTED_ENTRY, "entry \"" + path + "\" has unsupported type '"
                    + typeName(entry.getLinkFlag()) + "'");
        }
    }

    private static String typeName(byte flag) {
        return flag >= 0x20 && flag < 0x7f ? String.valueOf((char) flag) : String.format(Locale.ROOT, "\\x%02x", flag);
    }
}
