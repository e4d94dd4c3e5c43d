package io.fleetwarden.policy;

import dk.brics.automaton.Automaton;
import io.fleetwarden.policy.language.Languages;
import io.fleetwarden.policy.language.ShortestWitness;
import io.fleetwarden.policy.language.Untranslatable;
import java.util.List;
import java.util.Optional;

/**
 * What a keyless authority accepts among what Flux can see, as languages: the issuers, and the subjects
 * its subject pattern matches whole <b>and</b> whose implied repository, workflow and ref
 * ({@link GithubSubjects}) it allows. Build, trigger and runner claims are invisible in a subject and are
 * left to the signature check; so is the tag↔ref binding, which depends on the tag each pull resolves.
 */
record AuthorityLanguage(KeylessAuthority authority, Automaton issuers, Automaton subjects) {

    /** @throws Untranslatable when one of the authority's patterns cannot be decided exactly */
    static AuthorityLanguage of(KeylessAuthority a) {
        Automaton subjects = a.subject() == null ? Languages.anyString() : language(a.subject());
        for (Automaton implied : implied(a)) {
            subjects = subjects.intersection(implied);
        }
        return new AuthorityLanguage(a, language(a.issuer()), subjects);
    }

    /** The GitHub constraints as subject languages, in the order repository, workflow, refs. */
    private static List<Automaton> implied(KeylessAuthority a) {
        return List.of(a.sourceRepository() == null ? Languages.anyString()
                        : GithubSubjects.withRepository(a.sourceRepository()),
                a.workflow() == null ? Languages.anyString() : GithubSubjects.withWorkflow(a.workflow()),
                a.refs().isEmpty() ? Languages.anyString() : GithubSubjects.withRef(a.refs()));
    }

    static Automaton language(StringMatch m) {
        return m instanceof StringMatch.Exact e ? Languages.literal(e.value())
                : Languages.whole(((StringMatch.Regex) m).expression());
    }

    /**
     * Why the authority can never accept any signer, with the field to fix (relative to the authority's
     * {@code keyless}), or empty. The subject pattern is held against each GitHub constraint on its own first,
     * so the reason names the one it contradicts.
     *
     * @throws Untranslatable when one of its patterns cannot be decided exactly
     */
    static Optional<FieldViolation> contradiction(String path, KeylessAuthority a) {
        if (ShortestWitness.find(language(a.issuer()), List.of()).isEmpty()) {
            return Optional.of(new FieldViolation(path + (a.issuer() instanceof StringMatch.Regex ? ".issuerRegExp"
                    : ".issuer"), "can never match: no issuer matches it"));
        }
        Automaton subject = a.subject() == null ? Languages.anyString() : language(a.subject());
        String subjectField = path + (a.subject() instanceof StringMatch.Regex ? ".subjectRegExp" : ".subject");
        if (ShortestWitness.find(subject, List.of()).isEmpty()) {
            return Optional.of(new FieldViolation(subjectField, "can never match: no subject matches it"));
        }
        List<Automaton> implied = implied(a);
        String[] fields = {"github.repository", "github.workflow", "github.refs"};
        Object[] values = {a.sourceRepository(), a.workflow(), a.refs()};
        for (int i = 0; i < fields.length; i++) {
            if (ShortestWitness.find(subject.clone(), List.of(ShortestWitness.accepted(implied.get(i)))).isEmpty()) {
                return Optional.of(new FieldViolation(subjectField, "can never match: no subject it matches is "
                        + "signed from " + fields[i] + " " + values[i] + " (a GitHub subject reads "
                        + "https://github.com/OWNER/REPO/.github/workflows/FILE@REF)"));
            }
        }
        List<ShortestWitness.Constraint> all = implied.stream().map(ShortestWitness::accepted).toList();
        if (ShortestWitness.find(subject, all).isEmpty()) {
            return Optional.of(new FieldViolation(path + ".github", "can never match: no subject satisfies the "
                    + "subject, repository, workflow and refs together"));
        }
        return Optional.empty();
    }
}
