package io.fleetwarden.testing.sigstore;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only RFC 6962 Merkle tree that keeps only its compact range (the roots of the perfect subtrees,
 * largest first), so appending and proving cost O(log n) and a benchmark can log millions of entries.
 * The proof handed out for a new leaf is against the tree that just received it (tree size = index + 1),
 * which is what Rekor returns right after an upload.
 */
final class MerkleTree {

    /** An audit path (RFC 6962 §2.1.1), leaf-side hash first. */
    record Inclusion(long index, long treeSize, List<byte[]> hashes, byte[] rootHash) {
    }

    private record Subtree(byte[] hash, int height) {
    }

    private final List<Subtree> range = new ArrayList<>();
    private long size;

    static byte[] leafHash(byte[] entry) {
        byte[] prefixed = new byte[entry.length + 1];
        System.arraycopy(entry, 0, prefixed, 1, entry.length); // 0x00 leaf prefix
        return Crypto.sha256(prefixed);
    }

    static byte[] nodeHash(byte[] left, byte[] right) {
        byte[] joined = new byte[1 + left.length + right.length];
        joined[0] = 1;
        System.arraycopy(left, 0, joined, 1, left.length);
        System.arraycopy(right, 0, joined, 1 + left.length, right.length);
        return Crypto.sha256(joined);
    }

    synchronized Inclusion append(byte[] entry) {
        byte[] leaf = leafHash(entry);
        // The path of the rightmost leaf is exactly the compact range of the leaves before it, smallest first,
        // and folding the leaf through that path gives the new root.
        List<byte[]> path = new ArrayList<>(range.size());
        byte[] root = leaf;
        for (int i = range.size() - 1; i >= 0; i--) {
            path.add(range.get(i).hash());
            root = nodeHash(range.get(i).hash(), root);
        }
        long index = size++;
        range.add(new Subtree(leaf, 0));
        while (range.size() > 1 && range.get(range.size() - 1).height() == range.get(range.size() - 2).height()) {
            Subtree right = range.remove(range.size() - 1);
            Subtree left = range.remove(range.size() - 1);
            range.add(new Subtree(nodeHash(left.hash(), right.hash()), left.height() + 1));
        }
        return new Inclusion(index, size, List.copyOf(path), root);
    }

    synchronized long size() {
        return size;
    }
}
