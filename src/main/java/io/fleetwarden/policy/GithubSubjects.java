package io.fleetwarden.policy;

import dk.brics.automaton.Automaton;
import io.fleetwarden.policy.language.Languages;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificate subjects GitHub Actions signers have, as languages, and what a subject says about the
 * repository, workflow and ref: the GitHub claims Flux cannot see but our policies check.
 *
 * <p>A GitHub Actions certificate's subject is {@code https://github.com/} + the job's
 * {@code job_workflow_ref}: {@code https://github.com/OWNER/REPO/.github/workflows/FILE@REF}, where OWNER
 * and REPO are GitHub names ({@code [A-Za-z0-9_.-]+}), FILE has no {@code /} or {@code @}, and REF is a git
 * ref name valid under {@code git check-ref-format} (or a commit SHA, for a reusable workflow called by
 * SHA). A subject of that shape implies the repository {@code https://github.com/OWNER/REPO}, the workflow
 * {@code .github/workflows/FILE} and the ref REF; any other subject implies none, so an authority that
 * names one rejects it. For a non-reusable workflow the certificate's extensions say the same as its
 * subject; this is the reading the spec check needs, since Flux sees the subject only.
 */
final class GithubSubjects {

    static final String GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

    private static final Automaton NAME = Automaton.makeCharRange('A', 'Z').union(Automaton.makeCharRange('a', 'z'))
            .union(Automaton.makeCharRange('0', '9')).union(Automaton.makeCharSet("_.-")).repeat(1);
    /** https://github.com/OWNER/REPO */
    private static final Automaton REPOSITORY = concat(Languages.literal("https://github.com/"), NAME,
            Languages.literal("/"), NAME);
    /** Printable ASCII (URIs in certificates are IA5 strings, and Go's URL parser rejects control characters). */
    private static final Automaton FILE = Automaton.makeCharRange(' ', '~').minus(Automaton.makeCharSet("/@")).repeat(1);
    private static final Automaton WORKFLOWS = Languages.literal("/.github/workflows/");
    /** The subjects the GitHub issuer can certify. */
    private static final Automaton UNIVERSE = concat(REPOSITORY, WORKFLOWS, FILE, Languages.literal("@"),
            gitRef().union(Automaton.makeCharRange('0', '9').union(Automaton.makeCharRange('a', 'f')).repeat(40, 40)));

    static {
        for (Automaton a : List.of(REPOSITORY, FILE, UNIVERSE)) {
            a.minimize();
        }
    }

    private GithubSubjects() {
    }

    /**
     * The subjects the GitHub issuer can certify. A copy: brics renumbers an automaton's states when it is
     * an operand, so shared automata are never handed out.
     */
    static Automaton universe() {
        return UNIVERSE.clone();
    }

    /** Subjects implying the repository {@code uri} ({@code https://github.com/OWNER/REPO}). */
    static Automaton withRepository(String uri) {
        return concat(Languages.literal(uri).intersection(REPOSITORY.clone()), WORKFLOWS.clone(), FILE.clone(),
                Languages.literal("@"), Languages.anyString());
    }

    /** Subjects implying the workflow file {@code path} ({@code .github/workflows/release.yaml}). */
    static Automaton withWorkflow(String path) {
        Automaton file = Languages.literal(path).intersection(concat(Languages.literal(".github/workflows/"), FILE.clone()));
        return concat(REPOSITORY.clone(), Languages.literal("/"), file, Languages.literal("@"), Languages.anyString());
    }

    /** Subjects implying a ref one of the {@link Glob} patterns matches. */
    static Automaton withRef(List<String> globs) {
        List<Automaton> refs = new ArrayList<>();
        for (String g : globs) {
            refs.add(glob(g));
        }
        return concat(REPOSITORY.clone(), WORKFLOWS.clone(), FILE.clone(), Languages.literal("@"), Automaton.union(refs));
    }

    /** {@link Glob}: {@code *} any run of characters, everything else literal. */
    static Automaton glob(String pattern) {
        List<Automaton> parts = new ArrayList<>();
        int from = 0;
        for (int star = pattern.indexOf('*'); star >= 0; star = pattern.indexOf('*', from)) {
            parts.add(Languages.literal(pattern.substring(from, star)));
            parts.add(Languages.anyString());
            from = star + 1;
        }
        parts.add(Languages.literal(pattern.substring(from)));
        return Automaton.concatenate(parts);
    }

    /**
     * {@code refs/...} valid under {@code git check-ref-format}: components of printable ASCII without
     * {@code ~ ^ : ? * [ \}, none empty, none starting with {@code .} or ending with {@code .lock}; no
     * {@code ..}, no {@code @{}, not ending with {@code .}.
     */
    private static Automaton gitRef() {
        Automaton any = Languages.anyString();
        Automaton component = Automaton.makeCharRange('!', '~').minus(Automaton.makeCharSet("~^:?*[\\/")).repeat(1)
                .minus(Languages.literal(".").concatenate(any))
                .minus(any.concatenate(Languages.literal(".lock")));
        Automaton ref = concat(Languages.literal("refs/"), component,
                Languages.literal("/").concatenate(component).repeat());
        for (String forbidden : List.of("..", "@{")) {
            ref = ref.minus(concat(any, Languages.literal(forbidden), any));
        }
        return ref.minus(any.concatenate(Languages.literal(".")));
    }

    private static Automaton concat(Automaton... parts) {
        return Automaton.concatenate(List.of(parts));
    }
}
