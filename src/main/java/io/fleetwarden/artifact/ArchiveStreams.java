package io.fleetwarden.artifact;

import io.fleetwarden.artifact.ArchiveRefused.Reason;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The two measuring streams under the tar reader: one over the layer as downloaded, one over the tar stream
 * gzip produces. {@link InputStream#read} can only throw an {@link IOException}, so a refusal and a failure of
 * the source travel as the IOExceptions below and are unwrapped by {@link ArtifactArchive}.
 */
final class ArchiveStreams {

    private ArchiveStreams() {
    }

    /** A limit passed while reading: the refusal rides inside the IOException through gzip and tar. */
    static final class Refusal extends IOException {
        final ArchiveRefused refused;

        Refusal(ArchiveRefused refused) {
            super(refused.getMessage(), refused);
            this.refused = refused;
        }
    }

    /** The source itself failed (network, digest mismatch): not the archive's fault, so not a refusal. */
    static final class SourceFailure extends IOException {
        final IOException original;

        SourceFailure(IOException original) {
            super(original.getMessage(), original);
            this.original = original;
        }
    }

    /** The layer as downloaded: counted against {@link ArchiveLimits#maxCompressedBytes()}. */
    static final class Compressed extends FilterInputStream {
        private final long max;
        private long count;

        Compressed(InputStream source, long max) {
            super(source);
            this.max = max;
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw new SourceFailure(e);
            }
            if (n > 0) {
                count += n;
                if (count > max) {
                    throw new Refusal(new ArchiveRefused(Reason.COMPRESSED_TOO_LARGE,
                            "the layer is larger than the limit of " + max + " compressed bytes"));
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 8192)];
            return Math.max(0, read(buffer, 0, buffer.length)); // through read(), so skipped bytes count
        }

        /** No mark/reset: bytes read twice would be counted twice, and the readers above do not need it. */
        @Override
        public boolean markSupported() {
            return false;
        }
    }

    /**
     * The tar stream: counted for the compression ratio, and watched for the end-of-archive marker. After each
     * entry's data {@link #entryDataEnded()} is called; from there on the stream records where the first non-zero
     * byte is, so {@link #endOfArchiveProblem()} can tell whether two zero blocks follow the last entry or the
     * archive simply stopped (the tar reader treats both as the end).
     */
    static final class Tar extends FilterInputStream {
        static final int BLOCK = 512;

        private final Compressed compressed;
        private final int maxRatio;
        private long count;
        private long watchFrom;
        private long firstNonZero = -1;

        Tar(InputStream gunzipped, Compressed compressed, int maxRatio) {
            super(gunzipped);
            this.compressed = compressed;
            this.maxRatio = maxRatio;
        }

        void entryDataEnded() {
            watchFrom = count;
            firstNonZero = -1;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n <= 0) {
                return n;
            }
            if (firstNonZero < 0) {
                for (int i = 0; i < n; i++) {
                    if (b[off + i] != 0) {
                        firstNonZero = count + i;
                        break;
                    }
                }
            }
            count += n;
            if (count > ArchiveLimits.RATIO_GRACE_BYTES && count > (long) maxRatio * Math.max(1, compressed.count())) {
                throw new Refusal(new ArchiveRefused(Reason.COMPRESSION_RATIO, "the layer expands more than "
                        + maxRatio + " times (" + count + " tar bytes from " + compressed.count()
                        + " compressed bytes so far)"));
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Through read(), so skipped bytes are counted and watched like read ones.
            byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 8192)];
            long skipped = 0;
            while (skipped < n) {
                int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        /** Reads what is left of the tar stream (this also makes gzip check its trailers). */
        void drain() throws IOException {
            byte[] buffer = new byte[8192];
            while (read(buffer, 0, buffer.length) >= 0) {
                // counted and watched by read
            }
        }

        /**
         * After {@link #drain()}: null when the last entry (ending at the block boundary after
         * {@code watchFrom}) is followed by two zero blocks, else what is missing.
         */
        String endOfArchiveProblem() {
            long lastEntryEnd = (watchFrom + BLOCK - 1) / BLOCK * BLOCK;
            long zerosUntil = firstNonZero < 0 ? count : firstNonZero;
            if (zerosUntil >= lastEntryEnd + 2 * BLOCK) {
                return null;
            }
            return "the tar archive ends without its end-of-archive marker (two zero blocks) after the last entry";
        }
    }
}
