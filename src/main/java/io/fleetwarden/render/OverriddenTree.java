package io.fleetwarden.render;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A tree with some files' bytes replaced or added (a merged kustomization, decrypted sources). */
record OverriddenTree(SourceTree base, Map<String, byte[]> files) implements SourceTree {

    @Override
    public Optional<byte[]> read(String path) {
        byte[] b = files.get(path);
        return b != null ? Optional.of(b) : base.read(path);
    }

    @Override
    public boolean isDirectory(String path) {
        return base.isDirectory(path);
    }

    @Override
    public List<String> list(String directory) {
        List<String> names = base.list(directory);
        for (String f : files.keySet()) {
            int slash = f.lastIndexOf('/');
            String parent = slash < 0 ? "" : f.substring(0, slash);
            String name = f.substring(slash + 1);
            if (parent.equals(directory) && !names.contains(name)) {
                names = new java.util.ArrayList<>(names);
                names.add(name);
                java.util.Collections.sort(names);
            }
        }
        return List.copyOf(names);
    }
}
