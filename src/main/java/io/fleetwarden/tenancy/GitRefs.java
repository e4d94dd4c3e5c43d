package io.fleetwarden.tenancy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which Git refs a tenant's {@code GitRepository} follows ({@code spec.ref}), judged against the tenant's
 * {@code refs}. An allowed URL is not enough: on GitHub, {@code refs/pull/<n>/head} of an allowed repository
 * holds whatever anyone pushed to a fork and opened a pull request with, so following it applies a stranger's
 * content. Every field present is judged (not only the one Flux gives precedence to, name &gt; commit &gt;
 * semver &gt; tag &gt; branch), so the object cannot say one thing and follow another.
 *
 * <ul>
 * <li>no ref, or none of the fields below: the default branch, judged as {@code HEAD};</li>
 * <li>{@code branch: b} as {@code refs/heads/b}; {@code tag: t} as {@code refs/tags/t};</li>
 * <li>{@code name}: must be {@code HEAD} or a full ref under {@code refs/}, judged as written;</li>
 * <li>{@code semver}: picks among every tag, so the tenant must allow every tag ({@code refs/tags/*});</li>
 * <li>{@code commit}: only together with a {@code branch}, {@code tag} or {@code name} that is itself judged.
 *     A bare commit says nothing about where it comes from (GitHub serves a fork's commits through the parent
 *     repository), so it is refused.</li>
 * </ul>
 */
final class GitRefs {

    private GitRefs() {
    }

    static void check(JsonNode ref, ObjectChecks c) {
        String field = "spec.ref";
        if (Json.absent(ref)) {
            judge("HEAD", field, "the default branch", c);
            return;
        }
        if (!ref.isObject()) {
            c.deny("git.ref-invalid", field, "must be an object, got " + Json.show(ref));
            return;
        }
        boolean named = false;
        named |= judgeField(ref.path("branch"), field + ".branch", "refs/heads/", c);
        named |= judgeField(ref.path("tag"), field + ".tag", "refs/tags/", c);
        named |= judgeField(ref.path("name"), field + ".name", "", c);
        JsonNode semver = ref.path("semver");
        if (!Json.absent(semver)) {
            named = true;
            if (!c.tenant.allowsEveryTag()) {
                c.deny("git.ref-not-allowed", field + ".semver", "a semver range may select any tag, and tenant "
                        + c.tenant.name() + " may follow only " + c.tenant.refs() + "; name the tag instead");
            }
        }
        if (!Json.absent(ref.path("commit")) && !named) {
            c.deny("git.ref-not-allowed", field + ".commit", "a commit alone may come from any ref, a fork's pull "
                    + "request included; also name the branch or tag it is on (one of " + c.tenant.refs() + ")");
        }
        if (!named && Json.absent(ref.path("commit"))) {
            judge("HEAD", field, "the default branch", c);
        }
    }

    private static boolean judgeField(JsonNode value, String field, String prefix, ObjectChecks c) {
        if (Json.absent(value)) {
            return false;
        }
        String problem = !value.isTextual() ? "must be a string" : syntaxProblem(value.asText());
        if (problem == null && prefix.isEmpty() && !value.asText().equals("HEAD") && !value.asText().startsWith("refs/")) {
            problem = "must be HEAD or a full ref name such as refs/heads/main";
        }
        if (problem != null) {
            c.deny("git.ref-invalid", field, problem + ", got " + Json.show(value));
            return true;
        }
        judge(prefix + value.asText(), field, Names.quote(prefix + value.asText()), c);
        return true;
    }

    private static void judge(String ref, String field, String what, ObjectChecks c) {
        if (!c.tenant.allowsRef(ref)) {
            c.deny("git.ref-not-allowed", field, what + " is not a ref tenant " + c.tenant.name() + " may follow; "
                    + "allowed: " + c.tenant.refs());
        }
    }

    /**
     * Null when {@code ref} is plain: printable ASCII without whitespace, {@code ..}, {@code ~^:?[\\} or an
     * {@code @{} sequence (git check-ref-format), so that a pattern match means what it reads.
     */
    static String syntaxProblem(String ref) {
        if (ref.isEmpty() || ref.length() > 255) {
            return "must be 1 to 255 characters";
        }
        for (int i = 0; i < ref.length(); i++) {
            char ch = ref.charAt(i);
            if (ch <= ' ' || ch > '~' || "~^:?*[\\".indexOf(ch) >= 0) {
                return "must be a plain ref name (no whitespace, ~^:?*[\\ or non-ASCII)";
            }
        }
        if (ref.contains("..") || ref.contains("@{") || ref.contains("//") || ref.startsWith("/") || ref.endsWith("/")
                || ref.endsWith(".lock") || ref.endsWith(".")) {
            return "must be a plain ref name (no \"..\", \"@{\", empty segments or trailing \".lock\")";
        }
        return null;
    }
}
