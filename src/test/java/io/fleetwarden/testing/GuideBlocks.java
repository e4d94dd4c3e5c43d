package io.fleetwarden.testing;

import io.fleetwarden.testing.cluster.Components;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/**
 * The commands of a fenced block in the project's documentation, as a reader copies them: what tests that run
 * the documentation "exactly as written" read, so that a changed command changes the test, not a copy of it.
 */
public final class GuideBlocks {

    private GuideBlocks() {
    }

    /**
     * The lines of the first fenced block after {@code marker} in {@code file} (relative to the repository root),
     * a line ending in a backslash joined with the next (as the shell does), blank lines dropped, trailing
     * {@code # comments} kept (the shell ignores them).
     */
    public static List<String> commandsAfter(String file, String marker) {
        String text;
        try {
            text = Files.readString(Components.repositoryRoot().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int at = text.indexOf(marker);
        if (at < 0) {
            throw new IllegalStateException(file + " no longer says \"" + marker + "\"");
        }
        int open = text.indexOf("```", at);
        int start = text.indexOf('\n', open) + 1;
        int close = text.indexOf("```", start);
        if (open < 0 || close < 0) {
            throw new IllegalStateException(file + " has no fenced block after \"" + marker + "\"");
        }
        return text.substring(start, close).replaceAll("\\\\\\n\\s*", " ").lines().map(String::strip)
                .filter(l -> !l.isEmpty()).toList();
    }
}
