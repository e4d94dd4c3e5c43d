package io.fleetwarden.policy;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Where the fields of one YAML document are in its file, by field path ({@code spec.authorities[0].keyless}): the
 * line and column of the field's key, or of the item in a list. A policy read from the cluster has no file:
 * {@link #NONE}, and its violations are reported with their paths alone.
 */
public final class FieldPositions {

    /** A place in a file, 1-based as editors count. */
    public record Position(String file, int line, int column) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + column;
        }
    }

    public static final FieldPositions NONE = new FieldPositions(Map.of());

    /** Fields recorded per document at most: aliases can repeat a subtree (KubeYaml bounds their expansion too). */
    static final int MAX_FIELDS = 100_000;
    /** Deeper than any policy; a recursive alias would be endless. */
    static final int MAX_DEPTH = 100;

    private static final Pattern QUOTED_KEY = Pattern.compile("\\[\"((?:[^\"\\\\]|\\\\.)*)\"]");

    private final Map<String, Position> byPath;

    private FieldPositions(Map<String, Position> byPath) {
        this.byPath = byPath;
    }

    /** Whether this document came from a file, so that its violations have lines. */
    public boolean located() {
        return !byPath.isEmpty();
    }

    /**
     * The positions of every document of a YAML stream, in order (an empty document included, as the readers count
     * it), read by the same parser the files are read with (SnakeYAML); empty when the text cannot be read.
     */
    public static List<FieldPositions> of(String file, String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(Math.max(PolicyDocuments.MAX_BYTES, yaml.length() + 1));
        options.setMaxAliasesForCollections(50);
        options.setNestingDepthLimit(100);
        options.setAllowRecursiveKeys(false);
        List<FieldPositions> out = new ArrayList<>();
        try {
            for (Node root : new Yaml(options).composeAll(new StringReader(yaml))) {
                Map<String, Position> positions = new HashMap<>();
                new Walk(file, positions).visit(root, "", false, 0);
                out.add(new FieldPositions(positions));
            }
        } catch (YAMLException | IllegalStateException e) {
            return List.of();
        }
        return out;
    }

    /**
     * The position of the field at {@code path} as a violation names it ({@code matchLabels["k"]} or
     * {@code floatingTags.latest} for a key of a map), or else of the nearest enclosing field the file has: a
     * required field that is missing is reported where it belongs.
     */
    public Optional<Position> of(String path) {
        if (byPath.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = QUOTED_KEY.matcher(path);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement("." + m.group(1).replaceAll("\\\\(.)", "$1")));
        }
        m.appendTail(sb);
        String p = sb.toString();
        while (true) {
            Position at = byPath.get(p);
            if (at != null || p.isEmpty()) {
                return Optional.ofNullable(at);
            }
            p = parent(p);
        }
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    private static final class Walk {
        private final String file;
        private final Map<String, Position> positions;

        Walk(String file, Map<String, Position> positions) {
            this.file = file;
            this.positions = positions;
        }

        /** @param merged a field that came in through a merge key ({@code <<}) does not replace one written out */
        void visit(Node node, String path, boolean merged, int depth) {
            if (positions.size() >= MAX_FIELDS || depth > MAX_DEPTH) {
                return;
            }
            record(path, node.getStartMark(), merged);
            if (node instanceof MappingNode map) {
                List<Node> merges = new ArrayList<>();
                for (NodeTuple t : map.getValue()) {
                    if (!(t.getKeyNode() instanceof ScalarNode key)) {
                        continue;
                    }
                    if (Tag.MERGE.equals(key.getTag())) {
                        merges.add(t.getValueNode());
                        continue;
                    }
                    String child = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
                    record(child, key.getStartMark(), merged);
                    visitValue(t.getValueNode(), child, merged, depth + 1);
                }
                for (Node m : merges) {
                    if (m instanceof SequenceNode seq) {
                        seq.getValue().forEach(n -> visitFields(n, path, depth + 1));
                    } else {
                        visitFields(m, path, depth + 1);
                    }
                }
            } else if (node instanceof SequenceNode seq) {
                List<Node> items = seq.getValue();
                for (int i = 0; i < items.size(); i++) {
                    visit(items.get(i), path + "[" + i + "]", merged, depth + 1);
                }
            }
        }

        /** The value's own position is its key's, already recorded: only what is inside it is added. */
        private void visitValue(Node value, String path, boolean merged, int depth) {
            Position key = positions.get(path);
            visit(value, path, merged, depth);
            positions.put(path, key);
        }

        private void visitFields(Node mergedMap, String path, int depth) {
            Position self = positions.get(path);
            visit(mergedMap, path, true, depth);
            if (self != null) {
                positions.put(path, self);
            }
        }

        private void record(String path, Mark mark, boolean merged) {
            Position p = new Position(file, mark.getLine() + 1, mark.getColumn() + 1);
            if (merged) {
                positions.putIfAbsent(path, p);
            } else {
                positions.put(path, p);
            }
        }
    }
}
