package io.fleetwarden.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Files named on the command line. One that is missing, a directory, unreadable or too large is the user's mistake:
 * a usage error naming the option and the file ({@code --key cosign.pub: no such file}), never an internal error.
 * What a readable file contains is for each command to judge.
 */
final class OptionFile {

    /** Largest file read whole: keys, bundles, trusted roots and Docker configs are a few KiB. */
    static final long MAX_BYTES = 1 << 20;

    private OptionFile() {
    }

    static byte[] read(String option, Path file) {
        requireReadable(option, file);
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw CliFailure.usage(option + " " + file + ": larger than " + MAX_BYTES + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw CliFailure.usage(option + " " + file + ": " + reason(e));
        }
    }

    static String readString(String option, Path file) {
        return new String(read(option, file), StandardCharsets.UTF_8);
    }

    /** A regular file this process may read, or a usage error saying what it is instead. */
    static void requireReadable(String option, Path file) {
        String problem = !Files.exists(file) ? "no such file"
                : Files.isDirectory(file) ? "is a directory"
                : !Files.isReadable(file) ? "permission denied" : null;
        if (problem != null) {
            throw CliFailure.usage(option + " " + file + ": " + problem);
        }
    }

    /** The JDK's message for these is only the path, which the caller already prints. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return "cannot be read: " + e.getMessage();
    }
}
