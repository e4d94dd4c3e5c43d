package io.fleetwarden.artifact;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Crafted tar archives, written with commons-compress (so the hostile entries are real tar entries, not our own
 * idea of the format), and the byte surgery that truncates them. Blocks of 512 bytes, so a complete archive ends
 * in exactly two zero blocks and cutting them is a matter of length.
 */
final class Tars {

    static final int BLOCK = 512;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(out, BLOCK);

    Tars() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    Tars file(String name, byte[] content) {
        TarArchiveEntry entry = new TarArchiveEntry(name, true); // true: keep a leading "/" as written
        entry.setSize(content.length);
        return put(entry, content);
    }

    Tars file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    Tars directory(String name) {
        return put(new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true), new byte[0]);
    }

    Tars symlink(String name, String target) {
        return link(name, target, TarConstants.LF_SYMLINK);
    }

    Tars hardlink(String name, String target) {
        return link(name, target, TarConstants.LF_LINK);
    }

    Tars special(String name, byte typeFlag) {
        return put(new TarArchiveEntry(name, typeFlag, true), new byte[0]);
    }

    /** A PAX global header, as {@code git archive} writes one (a comment with the commit id). */
    Tars globalPaxComment(String comment) {
        TarArchiveEntry entry = new TarArchiveEntry("pax_global_header", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, true);
        entry.addPaxHeader("comment", comment);
        try {
            tar.putArchiveEntry(entry); // writes the header and its records itself
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private Tars link(String name, String target, byte flag) {
        TarArchiveEntry entry = new TarArchiveEntry(name, flag, true);
        entry.setLinkName(target);
        return put(entry, new byte[0]);
    }

    private Tars put(TarArchiveEntry entry, byte[] content) {
        try {
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The complete tar: the entries, then two zero blocks. */
    byte[] tar() {
        try {
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    byte[] tarGz() {
        return gzip(tar());
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return compressed.toByteArray();
    }

    static byte[] cutEnd(byte[] bytes, int count) {
        return Arrays.copyOf(bytes, bytes.length - count);
    }
}
