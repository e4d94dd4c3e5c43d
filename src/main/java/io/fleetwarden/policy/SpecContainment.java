package io.fleetwarden.policy;

import dk.brics.automaton.Automaton;
import io.fleetwarden.policy.language.Languages;
import io.fleetwarden.policy.language.ShortestWitness;
import io.fleetwarden.policy.language.ShortestWitness.Constraint;
import io.fleetwarden.policy.language.Untranslatable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether every (issuer, subject) pair one {@code matchOIDCIdentity} entry accepts is accepted by one
 * policy, and if not, the shortest pair that is not. A policy accepts a pair when one of its keyless
 * authorities accepts both, so the issuers the entry accepts are split by exactly which authorities accept
 * them (and by whether they are GitHub's: only GitHub's issuer limits subjects to the GitHub shape); in each
 * non-empty part, every subject the entry accepts must be accepted by one of those authorities.
 */
final class SpecContainment {

    /** 2^n parts per issuer kind; more keyless authorities than this in one policy are refused. */
    static final int MAX_KEYLESS_AUTHORITIES = 6;

    /** A pair the entry accepts and the policy rejects, and why the policy rejects it. */
    record Witness(String issuer, String subject, String why) {
    }

    private SpecContainment() {
    }

    /** @throws Untranslatable when the question is over the work bounds */
    static Optional<Witness> find(Automaton issuers, Automaton subjects, List<AuthorityLanguage> authorities) {
        int n = authorities.size();
        if (n > MAX_KEYLESS_AUTHORITIES) {
            throw new Untranslatable("the policy has " + n + " keyless authorities; at most "
                    + MAX_KEYLESS_AUTHORITIES + " are decided");
        }
        for (boolean github : new boolean[] {true, false}) {
            for (int accepting = (1 << n) - 1; accepting >= 0; accepting--) {
                List<Constraint> onIssuer = new ArrayList<>();
                onIssuer.add(new Constraint(Languages.literal(GithubSubjects.GITHUB_ISSUER), github));
                for (int i = 0; i < n; i++) {
                    onIssuer.add(new Constraint(authorities.get(i).issuers(), (accepting >> i & 1) == 1));
                }
                Optional<String> issuer = ShortestWitness.find(issuers, onIssuer);
                if (issuer.isEmpty()) {
                    continue;
                }
                List<Constraint> onSubject = new ArrayList<>();
                if (github) {
                    onSubject.add(ShortestWitness.accepted(GithubSubjects.universe()));
                }
                List<KeylessAuthority> named = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if ((accepting >> i & 1) == 1) {
                        onSubject.add(ShortestWitness.rejected(authorities.get(i).subjects()));
                        named.add(authorities.get(i).authority());
                    }
                }
                Optional<String> subject = ShortestWitness.find(subjects, onSubject);
                if (subject.isPresent()) {
                    return Optional.of(new Witness(issuer.get(), subject.get(), why(named)));
                }
            }
        }
        return Optional.empty();
    }

    private static String why(List<KeylessAuthority> accepting) {
        if (accepting.isEmpty()) {
            return "none of its keyless authorities accepts that issuer";
        }
        List<String> each = new ArrayList<>();
        for (KeylessAuthority a : accepting) {
            List<String> wants = new ArrayList<>();
            if (a.subject() != null) {
                wants.add("subject " + a.subject().describe());
            }
            if (a.sourceRepository() != null) {
                wants.add("repository " + a.sourceRepository());
            }
            if (a.workflow() != null) {
                wants.add("workflow " + a.workflow());
            }
            if (!a.refs().isEmpty()) {
                wants.add("refs " + a.refs());
            }
            each.add("authority " + a.name() + " wants " + String.join(", ", wants));
        }
        return "no authority accepting that issuer accepts that subject (" + String.join("; ", each) + ")";
    }
}
