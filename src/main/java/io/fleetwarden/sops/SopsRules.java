package io.fleetwarden.sops;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.List;

/**
 * Which values of a SOPS document are encrypted, decided per value from its path of keys (and the comments above
 * it) exactly as getsops/sops v3.13's {@code Tree.shouldBeEncrypted}: every rule present is applied in SOPS's order,
 * a later one overriding an earlier one. Regular expressions are Go's (RE2J), searched anywhere in a key (Go's
 * {@code regexp.Match}); an expression Go cannot compile matches nothing, as there.
 */
record SopsRules(String unencryptedSuffix, String encryptedSuffix, Pattern unencryptedRegex, Pattern encryptedRegex,
        Pattern unencryptedCommentRegex, Pattern encryptedCommentRegex, boolean unencryptedRegexSet,
        boolean encryptedRegexSet, boolean unencryptedCommentSet, boolean encryptedCommentSet) {

    static SopsRules of(String unencryptedSuffix, String encryptedSuffix, String unencryptedRegex,
            String encryptedRegex, String unencryptedCommentRegex, String encryptedCommentRegex) {
        return new SopsRules(unencryptedSuffix, encryptedSuffix, compile(unencryptedRegex), compile(encryptedRegex),
                compile(unencryptedCommentRegex), compile(encryptedCommentRegex), !unencryptedRegex.isEmpty(),
                !encryptedRegex.isEmpty(), !unencryptedCommentRegex.isEmpty(), !encryptedCommentRegex.isEmpty());
    }

    private static Pattern compile(String regex) {
        if (regex.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return null;
        }
    }

    /**
     * @param comments the comments seen at each level above the value (empty for JSON, which has none)
     * @param isComment whether the value is itself a comment
     */
    boolean encrypted(List<String> path, List<List<String>> comments, boolean isComment) {
        boolean encrypted = true;
        if (!unencryptedSuffix.isEmpty() && path.stream().anyMatch(k -> k.endsWith(unencryptedSuffix))) {
            encrypted = false;
        }
        if (!encryptedSuffix.isEmpty()) {
            encrypted = path.stream().anyMatch(k -> k.endsWith(encryptedSuffix));
        }
        if (unencryptedRegexSet && path.stream().anyMatch(k -> find(unencryptedRegex, k))) {
            encrypted = false;
        }
        if (encryptedRegexSet) {
            encrypted = path.stream().anyMatch(k -> find(encryptedRegex, k));
        }
        if (unencryptedCommentSet && comments.stream().flatMap(List::stream)
                .anyMatch(c -> find(unencryptedCommentRegex, c))) {
            encrypted = false;
        }
        if (encryptedCommentSet) {
            encrypted = false;
            int lastLevel = comments.size() - 1;
            outer:
            for (int i = 0; i < comments.size(); i++) {
                List<String> level = comments.get(i);
                for (int j = 0; j < level.size(); j++) {
                    // SOPS does not count the comment line that matches for itself: only earlier lines encrypt it.
                    if (isComment && i == lastLevel && j == level.size() - 1) {
                        continue;
                    }
                    if (find(encryptedCommentRegex, level.get(j))) {
                        encrypted = true;
                        break outer;
                    }
                }
            }
        }
        return encrypted;
    }

    private static boolean find(Pattern pattern, String s) {
        return pattern != null && pattern.matcher(s).find();
    }
}
