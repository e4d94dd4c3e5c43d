package io.fleetwarden.policy.language;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.State;
import dk.brics.automaton.Transition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shortest string in {@code L(subject)} that each constraint's automaton accepts or rejects as asked:
 * "a subject the spec accepts and the policy rejects" is {@code find(spec, reject(policy))}. A breadth-first
 * search over the product, where the subject automaton is followed one state at a time and each constraint
 * automaton as the set of states it may be in (a subset construction made only as far as the search goes,
 * so no automaton is ever determinized whole). The number of product states visited is bounded: beyond
 * {@link #MAX_VISITED} the question is refused as too complex, never answered either way.
 *
 * <p>Among strings of the shortest length, readable characters are preferred (letters, digits, then
 * other printable ASCII), so the witness reads as an example a person can act on.
 */
public final class ShortestWitness {

    public static final int MAX_VISITED = 200_000;

    private static final String PREFERRED = "abcdefghijklmnopqrstuvwxyz0123456789-._/ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /** One constraint: the witness must be accepted ({@code accept}) or rejected by {@code automaton}. */
    public record Constraint(Automaton automaton, boolean accept) {
    }

    public static Constraint accepted(Automaton a) {
        return new Constraint(a, true);
    }

    public static Constraint rejected(Automaton a) {
        return new Constraint(a, false);
    }

    private record Node(State subject, List<Set<State>> constraints) {
    }

    private record Step(Node from, char c) {
    }

    private ShortestWitness() {
    }

    /** @throws Untranslatable when the search would visit more than {@link #MAX_VISITED} product states */
    public static Optional<String> find(Automaton subject, List<Constraint> constraints) {
        List<Set<State>> initial = new ArrayList<>();
        for (Constraint c : constraints) {
            initial.add(Set.of(c.automaton().getInitialState()));
        }
        Node start = new Node(subject.getInitialState(), initial);
        Map<Node, Step> seen = new HashMap<>();
        seen.put(start, null);
        ArrayDeque<Node> queue = new ArrayDeque<>();
        queue.add(start);
        while (!queue.isEmpty()) {
            Node n = queue.poll();
            if (satisfied(n, constraints)) {
                return Optional.of(path(n, seen));
            }
            for (Map.Entry<Character, Node> next : successors(n, constraints)) {
                if (!seen.containsKey(next.getValue())) {
                    if (seen.size() >= MAX_VISITED) {
                        throw new Untranslatable("deciding it visits more than " + MAX_VISITED
                                + " automaton states; write a simpler pattern");
                    }
                    seen.put(next.getValue(), new Step(n, next.getKey()));
                    queue.add(next.getValue());
                }
            }
        }
        return Optional.empty();
    }

    private static boolean satisfied(Node n, List<Constraint> constraints) {
        if (!n.subject().isAccept()) {
            return false;
        }
        for (int i = 0; i < constraints.size(); i++) {
            boolean accepts = n.constraints().get(i).stream().anyMatch(State::isAccept);
            if (accepts != constraints.get(i).accept()) {
                return false;
            }
        }
        return true;
    }

    private static List<Map.Entry<Character, Node>> successors(Node n, List<Constraint> constraints) {
        TreeSet<Integer> cuts = new TreeSet<>();
        for (Set<State> set : n.constraints()) {
            for (State s : set) {
                for (Transition t : s.getTransitions()) {
                    cuts.add((int) t.getMin());
                    cuts.add(t.getMax() + 1);
                }
            }
        }
        List<Map.Entry<Character, Node>> out = new ArrayList<>();
        for (Transition t : n.subject().getTransitions()) {
            int lo = t.getMin();
            while (lo <= t.getMax()) {
                Integer cut = cuts.higher(lo);
                int hi = cut == null ? t.getMax() : Math.min(t.getMax(), cut - 1);
                char c = representative(lo, hi);
                List<Set<State>> next = new ArrayList<>();
                boolean dead = false;
                for (int i = 0; i < constraints.size(); i++) {
                    Set<State> to = new HashSet<>();
                    for (State s : n.constraints().get(i)) {
                        s.step(c, to);
                    }
                    // a constraint that must accept cannot, once its automaton has no state left
                    dead |= to.isEmpty() && constraints.get(i).accept();
                    next.add(to);
                }
                if (!dead) {
                    out.add(Map.entry(c, new Node(t.getDest(), next)));
                }
                lo = hi + 1;
            }
        }
        out.sort(Comparator.comparingInt(e -> rank(e.getKey())));
        return out;
    }

    /** The most readable character in lo..hi (every character in it leads to the same product state). */
    private static char representative(int lo, int hi) {
        for (int i = 0; i < PREFERRED.length(); i++) {
            char p = PREFERRED.charAt(i);
            if (lo <= p && p <= hi) {
                return p;
            }
        }
        if (lo <= '~' && hi >= '!') {
            return (char) Math.max(lo, '!');
        }
        return (char) lo;
    }

    private static int rank(char c) {
        int i = PREFERRED.indexOf(c);
        return i >= 0 ? i : c >= '!' && c <= '~' ? PREFERRED.length() : PREFERRED.length() + 1;
    }

    private static String path(Node end, Map<Node, Step> seen) {
        StringBuilder sb = new StringBuilder();
        for (Step s = seen.get(end); s != null; s = seen.get(s.from())) {
            sb.append(s.c());
        }
        return sb.reverse().toString();
    }
}
