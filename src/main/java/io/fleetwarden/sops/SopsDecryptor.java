package io.fleetwarden.sops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Decrypts SOPS documents with age identities, as kustomize-controller v1.9.4 does for a Kustomization with
 * {@code spec.decryption.provider: sops}. Pure: the identities are given, nothing is read from anywhere else.
 *
 * <p>Not checked, as in kustomize-controller: the document's MAC. It covers the unencrypted values too, and Flux
 * decrypts objects after kustomize has changed those (a namespace, labels), so checking it would refuse what Flux
 * applies. Each encrypted value is still authenticated on its own (AES-GCM with its path), and the artifact that
 * carries the document is signed.
 */
public final class SopsDecryptor {

    /** kustomize-controller's limit for a file it decrypts (5 MiB). */
    public static final int MAX_FILE_BYTES = 5 * 1024 * 1024;

    private final List<AgeIdentity> identities;
    private final PgpKeys pgp;
    private final String keySource;

    /** With age identities only. */
    public SopsDecryptor(List<AgeIdentity> identities, String keySource) {
        this(identities, PgpKeys.none(), keySource);
    }

    /**
     * @param keySource where the keys came from, for messages ({@code Secret 'apps/sops-age'})
     */
    public SopsDecryptor(List<AgeIdentity> identities, PgpKeys pgp, String keySource) {
        this.identities = List.copyOf(identities);
        this.pgp = pgp;
        this.keySource = keySource;
    }

    /**
     * Whether an object is a SOPS-encrypted document, as kustomize-controller tells: a {@code sops} field with a
     * {@code mac} field, neither null nor empty.
     */
    public static boolean isEncrypted(JsonNode object) {
        return present(object.get("sops")) && present(object.get("sops").get("mac"));
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !(n.isContainerNode() && n.isEmpty());
    }

    /** The object decrypted, without its {@code sops} field; the input is not changed. */
    public ObjectNode decryptObject(ObjectNode object) throws SopsException {
        ObjectNode copy = object.deepCopy();
        SopsMetadata metadata = SopsMetadata.of(copy.remove("sops"));
        new SopsTree(metadata.rules(), dataKey(metadata)).decrypt(copy);
        return copy;
    }

    /**
     * A whole encrypted file decrypted from format {@code in} and written in format {@code out}, as
     * kustomize-controller's {@code SopsDecryptWithFormat} does for the sources of a secret generator and for a
     * Secret's data entries. Written byte for byte as SOPS writes it, since a generated Secret is named by a hash of
     * its content. Not done by engine mode, and refused by name: INI in either direction, and YAML written out (SOPS
     * writes YAML with its own emitter); YAML read in is {@link #decryptDocuments}.
     */
    public byte[] decryptFile(byte[] data, SopsFormat in, SopsFormat out) throws SopsException {
        return SopsFiles.decrypt(data, in, out, this::dataKey);
    }

    /**
     * YAML documents decrypted as objects: the metadata is the first document's {@code sops}, removed from every
     * document, as SOPS's YAML store does. The documents were read as data, without comments; a file whose rules
     * depend on comments is refused, since its values would be judged on what was not read.
     */
    public List<ObjectNode> decryptDocuments(List<ObjectNode> documents) throws SopsException {
        if (documents.isEmpty() || documents.get(0).get("sops") == null) {
            throw new SopsException("sops metadata not found");
        }
        SopsMetadata metadata = SopsMetadata.of(documents.get(0).get("sops"));
        if (metadata.rules().unencryptedCommentSet() || metadata.rules().encryptedCommentSet()) {
            throw new SopsException("the file's encryption rules depend on comments (encrypted_comment_regex or "
                    + "unencrypted_comment_regex), which engine mode does not read in YAML");
        }
        byte[] key = dataKey(metadata);
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode d : documents) {
            ObjectNode copy = d.deepCopy();
            copy.remove("sops");
            new SopsTree(metadata.rules(), key).decrypt(copy);
            out.add(copy);
        }
        return out;
    }

    /**
     * The data key: from the first key of the (only) key group that these keys open, age keys first, then PGP, as
     * SOPS orders them. Several key groups are Shamir secret sharing, which engine mode does not do; KMS and Vault
     * keys need services it does not reach, so a document only they can open is refused by name.
     */
    byte[] dataKey(SopsMetadata metadata) throws SopsException {
        if (metadata.groups().size() > 1) {
            throw new SopsException("cannot get the sops data key: the document uses " + metadata.groups().size()
                    + " key groups (Shamir secret sharing), which engine mode does not support");
        }
        List<SopsMetadata.KeyEntry> group = metadata.groups().get(0);
        List<SopsMetadata.KeyEntry> usable = new ArrayList<>();
        group.stream().filter(k -> k.type().equals("age")).forEach(usable::add);
        group.stream().filter(k -> k.type().equals("pgp")).forEach(usable::add);
        List<String> others = group.stream().map(SopsMetadata.KeyEntry::type)
                .filter(t -> !t.equals("age") && !t.equals("pgp")).distinct().toList();
        if (usable.isEmpty()) {
            throw new SopsException("cannot get the sops data key: the document is encrypted only for " + others
                    + ", and engine mode decrypts with age and PGP keys only");
        }
        if (identities.isEmpty() && pgp.size() == 0) {
            throw new SopsException("cannot get the sops data key: no key is configured (spec.decryption.secretRef "
                    + "must name a Secret with a '.agekey' or '.asc' entry)");
        }
        List<String> failures = new ArrayList<>();
        for (SopsMetadata.KeyEntry entry : usable) {
            boolean age = entry.type().equals("age");
            String name = age ? entry.recipient() : "PGP " + entry.recipient();
            if (age ? identities.isEmpty() : pgp.size() == 0) {
                failures.add(name + ": no " + (age ? "age identity" : "PGP key") + " to try");
                continue;
            }
            try {
                return age ? AgeDecryption.decryptArmored(entry.encryptedKey(), identities)
                        : pgp.decrypt(entry.encryptedKey());
            } catch (AgeDecryption.NoMatchingIdentity | PgpKeys.NoMatchingKey e) {
                failures.add(name + ": " + (age ? "no identity matches" : e.getMessage()));
            } catch (IllegalArgumentException e) {
                failures.add(name + ": " + e.getMessage());
            }
        }
        throw new SopsException("cannot get the sops data key: no key of " + keySource + " decrypts it ("
                + String.join("; ", failures) + (others.isEmpty() ? "" : "; not tried: " + others) + ")");
    }
}
