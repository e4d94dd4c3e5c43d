package io.fleetwarden.sops;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;

/**
 * The PGP secret keys of a decryption Secret's {@code .asc} entries, and the SOPS data keys they open, as
 * kustomize-controller gets them by importing the entries into GnuPG and letting {@code gpg} decrypt: a data key
 * encrypted for one of the keys (or for an anonymous recipient, which every key is tried for) opens; the message must
 * be integrity-protected (gpg refuses one that is not). Keys protected by a passphrase are kept but cannot open
 * anything, as for Flux, which has no passphrase to give. BouncyCastle's lightweight API (no JCA provider).
 */
public final class PgpKeys {

    /** A data key's PGP message is small; a larger literal is refused before it is read whole. */
    private static final int MAX_PLAINTEXT = 64 * 1024;

    private final Map<Long, PGPSecretKey> byId;

    private PgpKeys(Map<Long, PGPSecretKey> byId) {
        this.byId = byId;
    }

    public static PgpKeys none() {
        return new PgpKeys(Map.of());
    }

    /**
     * Keys read from one entry: armored (one or more blocks) or binary key material, public keys ignored. The message
     * of a failure never holds key material.
     */
    public static PgpKeys parse(byte[] entry) {
        Map<Long, PGPSecretKey> keys = new HashMap<>();
        int rings = 0;
        for (byte[] block : blocks(entry)) {
            try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(block))) {
                BcPGPObjectFactory objects = new BcPGPObjectFactory(in);
                for (Object o = objects.nextObject(); o != null; o = objects.nextObject()) {
                    if (o instanceof PGPSecretKeyRing ring) {
                        ring.getSecretKeys().forEachRemaining(k -> keys.put(k.getKeyID(), k));
                        rings++;
                    } else if (o instanceof PGPPublicKeyRing) {
                        rings++;
                    } else if (!(o instanceof PGPPublicKeyRing) && !(o instanceof PGPMarker)) {
                        throw new IllegalArgumentException("not OpenPGP key material (found " + o.getClass()
                                .getSimpleName().replace("PGP", "") + ")");
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("not OpenPGP")) {
                    throw iae;
                }
                throw new IllegalArgumentException("not readable as OpenPGP keys");
            }
        }
        if (rings == 0) {
            // As gpg --import: an entry without any key is an error, not an empty key set.
            throw new IllegalArgumentException("no valid OpenPGP data found");
        }
        return new PgpKeys(keys);
    }

    /** These keys and {@code other}'s. */
    public PgpKeys and(PgpKeys other) {
        Map<Long, PGPSecretKey> all = new HashMap<>(byId);
        all.putAll(other.byId);
        return new PgpKeys(all);
    }

    public int size() {
        return byId.size();
    }

    /** Thrown when no key of these is a recipient of the message. */
    public static final class NoMatchingKey extends IllegalArgumentException {
        NoMatchingKey(String detail) {
            super(detail);
        }
    }

    /** The content of an armored PGP message (a SOPS {@code pgp[].enc}). */
    byte[] decrypt(String armoredMessage) {
        PGPEncryptedDataList list = encryptedData(armoredMessage);
        List<String> failures = new ArrayList<>();
        boolean matched = false;
        for (PGPEncryptedData data : list) {
            if (!(data instanceof PGPPublicKeyEncryptedData pked)) {
                continue;
            }
            // Key ID 0 is an anonymous recipient: gpg tries every secret key it has.
            List<PGPSecretKey> candidates = pked.getKeyID() == 0 ? List.copyOf(byId.values())
                    : byId.containsKey(pked.getKeyID()) ? List.of(byId.get(pked.getKeyID())) : List.of();
            for (PGPSecretKey key : candidates) {
                PGPPrivateKey privateKey = privateKey(key, failures);
                if (privateKey == null) {
                    continue;
                }
                try {
                    return open(pked, privateKey);
                } catch (PGPException | IOException | RuntimeException e) {
                    if (pked.getKeyID() != 0) {
                        matched = true;
                        failures.add("the message for PGP key " + hex(key.getKeyID()) + " does not decrypt ("
                                + e.getMessage() + ")");
                    }
                }
            }
        }
        if (matched) {
            throw new IllegalArgumentException(String.join("; ", failures));
        }
        throw new NoMatchingKey(failures.isEmpty() ? "no PGP key matches the message's recipients"
                : String.join("; ", failures));
    }

    private static PGPPrivateKey privateKey(PGPSecretKey key, List<String> refused) {
        try {
            return key.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider())
                    .build(new char[0]));
        } catch (PGPException e) {
            refused.add("PGP key " + hex(key.getKeyID()) + " is protected by a passphrase, which engine mode (like "
                    + "kustomize-controller) cannot give");
            return null;
        }
    }

    private static byte[] open(PGPPublicKeyEncryptedData pked, PGPPrivateKey key) throws PGPException, IOException {
        if (!pked.isIntegrityProtected()) {
            throw new PGPException("the message is not integrity-protected");
        }
        InputStream clear = pked.getDataStream(new BcPublicKeyDataDecryptorFactory(key));
        BcPGPObjectFactory plain = new BcPGPObjectFactory(clear);
        Object o = plain.nextObject();
        if (o instanceof PGPCompressedData compressed) {
            plain = new BcPGPObjectFactory(compressed.getDataStream());
            o = plain.nextObject();
        }
        if (!(o instanceof PGPLiteralData literal)) {
            throw new PGPException("the message holds no literal data");
        }
        byte[] content = bounded(literal.getInputStream());
        // Read to its end, so the modification detection code is checked.
        while (plain.nextObject() != null) {
            // nothing else is expected; anything is consumed
        }
        if (!pked.verify()) {
            throw new PGPException("the message failed its integrity check");
        }
        return content;
    }

    private static byte[] bounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            if (out.size() > MAX_PLAINTEXT) {
                throw new IOException("the message's content is over " + MAX_PLAINTEXT + " bytes");
            }
        }
        return out.toByteArray();
    }

    private static PGPEncryptedDataList encryptedData(String armored) {
        if (armored.length() > 2 * MAX_PLAINTEXT) {
            throw new IllegalArgumentException("the PGP message is over the size limit");
        }
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(
                armored.getBytes(StandardCharsets.UTF_8)))) {
            BcPGPObjectFactory objects = new BcPGPObjectFactory(in);
            Object o = objects.nextObject();
            while (o instanceof PGPMarker) {
                o = objects.nextObject();
            }
            if (o instanceof PGPEncryptedDataList list) {
                return list;
            }
            throw new IllegalArgumentException("the PGP data key is not an encrypted message");
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("the PGP data key is not a readable OpenPGP message");
        }
    }

    /** Armored blocks one by one (an entry may hold several), or the whole entry when it is not armored. */
    private static List<byte[]> blocks(byte[] entry) {
        String text = new String(entry, StandardCharsets.ISO_8859_1);
        List<byte[]> out = new ArrayList<>();
        int start = text.indexOf("-----BEGIN PGP ");
        if (start < 0) {
            out.add(entry);
            return out;
        }
        while (start >= 0) {
            int next = text.indexOf("-----BEGIN PGP ", start + 1);
            out.add(text.substring(start, next < 0 ? text.length() : next).getBytes(StandardCharsets.ISO_8859_1));
            start = next;
        }
        return out;
    }

    private static String hex(long id) {
        return String.format("%016X", id);
    }

    @Override
    public String toString() {
        return byId.size() + " PGP secret keys";
    }
}
