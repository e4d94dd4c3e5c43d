package io.fleetwarden.artifact;

import io.fleetwarden.artifact.ArchiveRefused.Reason;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.TreeMap;

/** The path rules of artifact trees, and the normalisation of tar entry names and link targets into them. */
final class ArtifactPaths {

    private ArtifactPaths() {
    }

    /**
     * A tar entry name as a tree path: {@code ./a//b/} becomes {@code a/b}. The root itself is {@code ""}.
     *
     * @throws ArchiveRefused naming the entry, for absolute names, {@code ..} segments, backslashes and control
     *                        characters (names a Linux tar accepts, but that mean something else to other readers
     *                        or to a terminal showing our message)
     */
    static String normalise(String name) throws ArchiveRefused {
        illegalCharacters(name, "entry");
        if (name.startsWith("/")) {
            throw new ArchiveRefused(Reason.ABSOLUTE_PATH, "entry \"" + name + "\" has an absolute path");
        }
        StringBuilder path = new StringBuilder();
        for (String segment : name.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                throw new ArchiveRefused(Reason.PARENT_TRAVERSAL, "entry \"" + name + "\" has a \"..\" segment");
            }
            if (path.length() > 0) {
                path.append('/');
            }
            path.append(segment);
        }
        return path.toString();
    }

    /**
     * Where a link points inside the root, or null when it leaves it: a symbolic link's target is relative to the
     * link's directory, a hard link's to the archive root (as tar writes them). Resolved by name only, the way an
     * extractor following the link on disk would.
     */
    static String resolveLink(String linkPath, String target, boolean symbolic) throws ArchiveRefused {
        illegalCharacters(target, "link target of entry \"" + linkPath + "\": target");
        if (target.startsWith("/")) {
            return null;
        }
        Deque<String> resolved = new ArrayDeque<>();
        if (symbolic) {
            String[] linkSegments = linkPath.split("/");
            for (int i = 0; i < linkSegments.length - 1; i++) {
                resolved.addLast(linkSegments[i]);
            }
        }
        for (String segment : target.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (resolved.isEmpty()) {
                    return null;
                }
                resolved.removeLast();
            } else {
                resolved.addLast(segment);
            }
        }
        return String.join("/", resolved);
    }

    /** Why {@code path} is not a tree path, or null when it is. */
    static String problem(String path) {
        if (path.isEmpty()) {
            return "empty";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                return "a backslash or control character";
            }
        }
        if (path.startsWith("/")) {
            return "absolute";
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "an empty, \".\" or \"..\" segment";
            }
        }
        return null;
    }

    /** A message naming a file that has other files under it, or null when there is none. */
    static String fileUnderFile(TreeMap<String, ?> files) {
        for (String path : files.keySet()) {
            String prefix = path + "/";
            String under = files.ceilingKey(prefix);
            if (under != null && under.startsWith(prefix)) {
                return "\"" + path + "\" is a file and also the directory of \"" + under + "\"";
            }
        }
        return null;
    }

    private static void illegalCharacters(String name, String what) throws ArchiveRefused {
        if (name.isEmpty()) {
            throw new ArchiveRefused(Reason.ILLEGAL_PATH, what + " has an empty name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                throw new ArchiveRefused(Reason.ILLEGAL_PATH, what + " \"" + printable(name)
                        + "\" holds a backslash or control character");
            }
        }
    }

    /** The name with control characters escaped, so a hostile name cannot rewrite a log line or a terminal. */
    static String printable(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
