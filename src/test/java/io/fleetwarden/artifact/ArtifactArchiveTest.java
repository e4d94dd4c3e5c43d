package io.fleetwarden.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.artifact.ArchiveRefused.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** {@link ArtifactArchive}: every refusal on a crafted archive named after it, and what a good archive gives. */
class ArtifactArchiveTest {

    private static final ArchiveLimits DEFAULTS = ArchiveLimits.defaults();

    @Test
    void aFluxLikeArchiveWithNestedDirectoriesBecomesItsTree() throws Exception {
        String longName = "apps/" + "very-long-directory-name/".repeat(6) + "deployment.yaml"; // > 100 bytes: a PAX name
        byte[] archive = new Tars().globalPaxComment("0123456789abcdef").directory("./").directory("./clusters")
                .directory("./clusters/staging").file("./clusters/staging/kustomization.yaml", "resources: []\n")
                .file("infrastructure/controllers/flux.yaml", "kind: Namespace\n").file(longName, "kind: Deployment\n")
                .directory("empty").tarGz();

        ArtifactTree tree = ArtifactArchive.extract(new ByteArrayInputStream(archive), DEFAULTS);

        assertThat(tree.paths()).containsExactly(longName, "clusters/staging/kustomization.yaml",
                "infrastructure/controllers/flux.yaml");
        assertThat(tree.read("clusters/staging/kustomization.yaml")).hasValue(bytes("resources: []\n"));
        assertThat(tree.list("")).containsExactly("apps", "clusters", "infrastructure");
        assertThat(tree.isDirectory("clusters/staging")).isTrue();
        assertThat(tree.isDirectory("empty")).as("empty directories are not kept").isFalse();
        assertThat(tree.fileCount()).isEqualTo(3);
        assertThat(tree.totalBytes()).isEqualTo(14 + 16 + 17);
    }

    @Test
    void filesExactlyAtTheLimitsAreAccepted() throws Exception {
        byte[] archive = new Tars().file("a.yaml", "0123456789").file("b.yaml", "0123456789").tarGz();

        ArtifactTree tree = ArtifactArchive.extract(in(archive), new ArchiveLimits(archive.length, 20, 2, 10, 200));

        assertThat(tree.totalBytes()).isEqualTo(20);
    }

    @Test
    void absolutePath() {
        assertRefused(new Tars().file("/etc/cron.d/evil", "x").tarGz(), Reason.ABSOLUTE_PATH,
                "entry \"/etc/cron.d/evil\" has an absolute path");
    }

    @Test
    void parentTraversal() {
        assertRefused(new Tars().file("apps/../../evil.yaml", "x").tarGz(), Reason.PARENT_TRAVERSAL,
                "entry \"apps/../../evil.yaml\" has a \"..\" segment");
        assertRefused(new Tars().file("../evil.yaml", "x").tarGz(), Reason.PARENT_TRAVERSAL,
                "entry \"../evil.yaml\" has a \"..\" segment");
    }

    @Test
    void backslashInAName() {
        assertRefused(new Tars().file("apps\\..\\evil.yaml", "x").tarGz(), Reason.ILLEGAL_PATH,
                "entry \"apps\\..\\evil.yaml\" holds a backslash or control character");
    }

    @Test
    void symlinkOutOfTheRoot() {
        assertRefused(new Tars().file("a.yaml", "x").symlink("apps/passwd", "../../etc/passwd").tarGz(),
                Reason.LINK_OUTSIDE_ROOT, "entry \"apps/passwd\" is a symbolic link to \"../../etc/passwd\", outside the artifact");
        assertRefused(new Tars().symlink("passwd", "/etc/passwd").tarGz(), Reason.LINK_OUTSIDE_ROOT,
                "entry \"passwd\" is a symbolic link to \"/etc/passwd\", outside the artifact");
    }

    @Test
    void hardlinkOutOfTheRoot() {
        assertRefused(new Tars().hardlink("shadow", "../etc/shadow").tarGz(), Reason.LINK_OUTSIDE_ROOT,
                "entry \"shadow\" is a hard link to \"../etc/shadow\", outside the artifact");
    }

    @Test
    void linksInsideTheRootAreRefusedToo() {
        assertRefused(new Tars().file("base/a.yaml", "x").symlink("overlay/a.yaml", "../base/a.yaml").tarGz(),
                Reason.LINK, "entry \"overlay/a.yaml\" is a symbolic link to \"../base/a.yaml\": links are not supported in artifacts");
        assertRefused(new Tars().file("base/a.yaml", "x").hardlink("copy.yaml", "base/a.yaml").tarGz(), Reason.LINK,
                "entry \"copy.yaml\" is a hard link to \"base/a.yaml\": links are not supported in artifacts");
    }

    @Test
    void devicesAndFifos() {
        assertRefused(new Tars().special("dev/null", TarConstants.LF_CHR).tarGz(), Reason.SPECIAL_FILE,
                "entry \"dev/null\" is a character device");
        assertRefused(new Tars().special("dev/sda", TarConstants.LF_BLK).tarGz(), Reason.SPECIAL_FILE,
                "entry \"dev/sda\" is a block device");
        assertRefused(new Tars().special("pipe", TarConstants.LF_FIFO).tarGz(), Reason.SPECIAL_FILE,
                "entry \"pipe\" is a FIFO");
    }

    @Test
    void contiguousFileType() {
        assertRefused(new Tars().special("data", TarConstants.LF_CONTIG).tarGz(), Reason.UNSUPPORTED_ENTRY,
                "entry \"data\" has unsupported type '7'");
    }

    @Test
    void duplicatePath() {
        assertRefused(new Tars().file("apps/a.yaml", "reviewed").file("./apps/a.yaml", "applied").tarGz(),
                Reason.DUPLICATE_PATH, "entry \"apps/a.yaml\" appears twice");
    }

    @Test
    void fileThatIsAlsoADirectory() {
        assertRefused(new Tars().file("apps", "x").file("apps/a.yaml", "y").tarGz(), Reason.PATH_CONFLICT,
                "entry \"apps\" is a file and also the directory of \"apps/a.yaml\"");
        assertRefused(new Tars().file("apps", "x").directory("apps").tarGz(), Reason.PATH_CONFLICT,
                "entry \"apps\" is both a file and a directory");
    }

    @Test
    void tooManyEntries() {
        byte[] archive = new Tars().directory("d").file("d/1", "1").file("d/2", "2").file("d/3", "3").tarGz();

        assertRefused(archive, new ArchiveLimits(1 << 20, 1 << 20, 3, 1 << 20, 200), Reason.TOO_MANY_ENTRIES,
                "the layer has more than 3 entries (at entry \"d/3\")");
    }

    @Test
    void fileOverThePerFileLimit() {
        assertRefused(new Tars().file("big.yaml", "01234567890").tarGz(), new ArchiveLimits(1 << 20, 1 << 20, 10, 10, 200),
                Reason.FILE_TOO_LARGE, "entry \"big.yaml\" is 11 bytes, over the limit of 10 bytes per file");
    }

    @Test
    void filesOverTheExtractedLimit() {
        byte[] archive = new Tars().file("a.yaml", "0123456789").file("b.yaml", "01234567890").tarGz();

        assertRefused(archive, new ArchiveLimits(1 << 20, 20, 10, 20, 200), Reason.EXTRACTED_TOO_LARGE,
                "entry \"b.yaml\" takes the layer to 21 bytes, over the limit of 20 extracted bytes");
    }

    @Test
    void layerOverTheCompressedLimit() {
        byte[] archive = new Tars().file("a.yaml", "x").tarGz();

        assertRefused(archive, new ArchiveLimits(archive.length - 1, 1 << 20, 10, 1 << 20, 200),
                Reason.COMPRESSED_TOO_LARGE, "the layer is larger than the limit of " + (archive.length - 1)
                        + " compressed bytes");
    }

    @Test
    void ratioBombIsStoppedEarly() {
        byte[] zeros = new byte[64 * 1024 * 1024];
        byte[] archive = new Tars().file("bomb.yaml", zeros).tarGz(); // about 64 KiB of gzip

        ArchiveLimits generous = new ArchiveLimits(1 << 30, 1L << 30, 10, 1L << 30, 200);
        assertThatThrownBy(() -> ArtifactArchive.extract(in(archive), generous))
                .isInstanceOfSatisfying(ArchiveRefused.class, e -> assertThat(e.reason()).isEqualTo(Reason.COMPRESSION_RATIO))
                .hasMessageStartingWith("the layer expands more than 200 times (");
    }

    @Test
    void gzipWithoutItsTrailer() {
        byte[] archive = Tars.cutEnd(new Tars().file("a.yaml", "kind: ConfigMap").tarGz(), 8);

        assertRefused(archive, Reason.TRUNCATED).hasMessageStartingWith("the layer ends early: ");
    }

    @Test
    void gzipCutMidStream() {
        byte[] archive = new Tars().file("a.yaml", randomText(20_000)).tarGz();

        assertRefused(Arrays.copyOf(archive, archive.length / 2), Reason.TRUNCATED,
                "the layer ends early at entry \"a.yaml\": unexpected end of input");
    }

    @Test
    void tarWithoutItsEndOfArchiveBlocks() {
        byte[] tar = new Tars().file("a.yaml", "kind: ConfigMap").tar();

        assertRefused(Tars.gzip(Tars.cutEnd(tar, 2 * Tars.BLOCK)), Reason.TRUNCATED,
                "the tar archive ends without its end-of-archive marker (two zero blocks) after the last entry");
        assertRefused(Tars.gzip(Tars.cutEnd(tar, Tars.BLOCK)), Reason.TRUNCATED,
                "the tar archive ends without its end-of-archive marker (two zero blocks) after the last entry");
    }

    @Test
    void tarCutBetweenEntriesEvenWhenTheLastFileEndsInZeros() {
        // The first file ends in 1,024 zero bytes: without knowing where it ends, its tail could pass for the marker.
        byte[] zeroTail = new byte[2048];
        Arrays.fill(zeroTail, 0, 1024, (byte) 'x');
        byte[] tar = new Tars().file("a.bin", zeroTail).tar();

        assertRefused(Tars.gzip(Tars.cutEnd(tar, 2 * Tars.BLOCK)), Reason.TRUNCATED,
                "the tar archive ends without its end-of-archive marker (two zero blocks) after the last entry");
    }

    @Test
    void tarCutMidFile() {
        byte[] tar = new Tars().file("a.yaml", "x").file("b.yaml", randomText(4000)).tar();

        assertRefused(Tars.gzip(Arrays.copyOf(tar, tar.length - 2 * Tars.BLOCK - 2000)), Reason.TRUNCATED,
                "the layer ends early at entry \"b.yaml\": Truncated TAR archive");
    }

    @Test
    void tarCutMidHeader() {
        byte[] tar = new Tars().file("a.yaml", "x").file("b.yaml", "y").tar();

        assertRefused(Tars.gzip(Arrays.copyOf(tar, 2 * Tars.BLOCK + 100)), Reason.TRUNCATED,
                "the tar archive ends without its end-of-archive marker (two zero blocks) after the last entry");
    }

    @Test
    void gzipCrcMismatch() {
        byte[] archive = new Tars().file("a.yaml", "kind: ConfigMap").tarGz();
        archive[archive.length - 8] ^= 1; // the CRC32 in the trailer

        assertRefused(archive, Reason.CORRUPT).hasMessageStartingWith("the layer is not a valid tar+gzip archive: ");
    }

    @Test
    void notGzipAtAll() {
        assertRefused(new Tars().file("a.yaml", "x").tar(), Reason.CORRUPT,
                "the layer is not a valid tar+gzip archive: Input is not in the .gz format.");
    }

    @Test
    void garbageAfterTheGzipStream() {
        byte[] archive = new Tars().file("a.yaml", "x").tarGz();
        byte[] withGarbage = Arrays.copyOf(archive, archive.length + 4);
        withGarbage[archive.length] = 'J';

        assertRefused(withGarbage, Reason.CORRUPT,
                "the layer is not a valid tar+gzip archive: Unexpected data after a valid .gz stream.");
    }

    @Test
    void corruptTarHeader() {
        byte[] tar = new Tars().file("a.yaml", "x").tar();
        Arrays.fill(tar, 148, 156, (byte) 'z'); // the header checksum field

        assertRefused(Tars.gzip(tar), Reason.CORRUPT).hasMessageStartingWith("the layer is not a valid tar+gzip archive: ");
    }

    @Test
    void aFailingSourceIsReportedAsItsOwnFailureNotAsARefusal() {
        byte[] archive = new Tars().file("a.yaml", randomText(50_000)).tarGz();
        IOException broken = new IOException("connection reset");
        InputStream failing = new InputStream() {
            private final InputStream head = new ByteArrayInputStream(Arrays.copyOf(archive, 1000));

            @Override
            public int read() throws IOException {
                int b = head.read();
                if (b < 0) {
                    throw broken;
                }
                return b;
            }
        };

        assertThatThrownBy(() -> ArtifactArchive.extract(failing, DEFAULTS)).isSameAs(broken);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(byte[] archive, Reason reason) {
        return assertRefused(archive, DEFAULTS, reason);
    }

    private static void assertRefused(byte[] archive, Reason reason, String message) {
        assertRefused(archive, DEFAULTS, reason).hasMessage(message);
    }

    private static void assertRefused(byte[] archive, ArchiveLimits limits, Reason reason, String message) {
        assertRefused(archive, limits, reason).hasMessage(message);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(byte[] archive, ArchiveLimits limits,
            Reason reason) {
        return assertThatThrownBy(() -> ArtifactArchive.extract(in(archive), limits))
                .isInstanceOfSatisfying(ArchiveRefused.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.conditionReason()).isEqualTo("OCIArtifactLayerOperationFailed");
                });
    }

    private static InputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Text that does not compress to nothing, so cutting the gzip stream in half cuts inside the file. */
    private static String randomText(int length) {
        java.util.Random random = new java.util.Random(42);
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            text.append(Long.toString(random.nextLong(), 36)).append('\n');
        }
        return text.substring(0, length);
    }
}
