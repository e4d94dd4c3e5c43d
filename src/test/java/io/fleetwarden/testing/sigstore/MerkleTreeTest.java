package io.fleetwarden.testing.sigstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigstore.merkle.InclusionProofVerifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compact-range tree agrees with the RFC 6962 definition and with sigstore-java's proof verifier. */
class MerkleTreeTest {

    @Test
    void everyProofVerifiesAndEveryRootIsTheRfc6962Root() throws Exception {
        MerkleTree tree = new MerkleTree();
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            byte[] entry = ("entry " + i).getBytes(StandardCharsets.UTF_8);
            leaves.add(MerkleTree.leafHash(entry));

            MerkleTree.Inclusion inclusion = tree.append(entry);

            assertThat(inclusion.index()).isEqualTo(i);
            assertThat(inclusion.treeSize()).isEqualTo(i + 1);
            assertThat(inclusion.rootHash()).isEqualTo(rfc6962Root(leaves, 0, leaves.size()));
            InclusionProofVerifier.verify(leaves.get(i), i, i + 1, inclusion.hashes(), inclusion.rootHash());
        }
    }

    /** MTH(D[n]) straight from RFC 6962 §2.1: split at the largest power of two smaller than n. */
    private static byte[] rfc6962Root(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return leaves.get(from);
        }
        int k = Integer.highestOneBit(n - 1);
        return MerkleTree.nodeHash(rfc6962Root(leaves, from, from + k), rfc6962Root(leaves, from + k, to));
    }
}
