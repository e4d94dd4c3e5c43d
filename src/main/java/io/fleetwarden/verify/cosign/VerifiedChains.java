package io.fleetwarden.verify.cosign;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Certificate chains already verified against one trusted root, so that a signature verified again (every
 * admission review of an artifact whose decision is not cached, every CLI run over a fleet signed by one
 * workflow run) does not pay the Fulcio chain again: for legacy signatures that was nearly all of the CPU, in
 * JDK P-384 arithmetic (Fulcio's root and intermediate are P-384).
 *
 * <p>Nothing is weakened: only successes are kept, the key is the exact DER of the leaf and of every presented
 * certificate (compared in full, not by hash), and the result depends on nothing else: the chain is validated at
 * the leaf's own notBefore and the SCT at its own time, never at "now". The cache belongs to one loaded root, so
 * a changed root starts empty. Bounded (least recently used out), so hostile input cannot grow it.
 */
final class VerifiedChains {

    static final int MAX_ENTRIES = 1024;

    private final Map<Key, Boolean> verified = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Boolean> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    synchronized boolean contains(X509Certificate leaf, List<X509Certificate> chain) {
        Key key = Key.of(leaf, chain);
        return key != null && verified.get(key) != null;
    }

    synchronized void add(X509Certificate leaf, List<X509Certificate> chain) {
        Key key = Key.of(leaf, chain);
        if (key != null) {
            verified.put(key, Boolean.TRUE);
        }
    }

    /** The same, for a success that exact DER encodings decide (a certificate and the key that signed it). */
    synchronized boolean contains(byte[]... der) {
        return verified.get(Key.of(der)) != null;
    }

    synchronized void add(byte[]... der) {
        verified.put(Key.of(der), Boolean.TRUE);
    }

    /** The DER encodings, each length-prefixed so that no two different lists concatenate alike. */
    private record Key(byte[] der, int hash) {

        static Key of(X509Certificate leaf, List<X509Certificate> chain) {
            try {
                byte[][] parts = new byte[chain.size() + 1][];
                parts[0] = leaf.getEncoded();
                for (int i = 0; i < chain.size(); i++) {
                    parts[i + 1] = chain.get(i).getEncoded();
                }
                return of(parts);
            } catch (CertificateEncodingException e) {
                return null; // not cacheable; verified every time
            }
        }

        static Key of(byte[]... parts) {
            int length = 0;
            for (byte[] p : parts) {
                length += p.length + 4;
            }
            byte[] out = new byte[length];
            int at = 0;
            for (byte[] p : parts) {
                at = put(out, at, p);
            }
            return new Key(out, Arrays.hashCode(out));
        }

        private static int put(byte[] out, int at, byte[] der) {
            out[at] = (byte) (der.length >>> 24);
            out[at + 1] = (byte) (der.length >>> 16);
            out[at + 2] = (byte) (der.length >>> 8);
            out[at + 3] = (byte) der.length;
            System.arraycopy(der, 0, out, at + 4, der.length);
            return at + 4 + der.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.der, der);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
