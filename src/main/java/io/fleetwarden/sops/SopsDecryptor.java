package io.fleetwarden.sops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

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
        if (data.length > MAX_FILE_BYTES) {
            throw new SopsException("cannot decrypt file with size (" + data.length + " bytes) exceeding limit ("
                    + MAX_FILE_BYTES + ")");
        }
        if (in == SopsFormat.INI || out == SopsFormat.INI) {
            throw new SopsException("SOPS-encrypted INI files are not decrypted in engine mode");
        }
        if (in == SopsFormat.YAML || out == SopsFormat.YAML) {
            throw new SopsException("SOPS-encrypted YAML is decrypted in engine mode only where it is read as "
                    + "objects (resources and patches), not as a file's content (" + in.name().toLowerCase()
                    + " to " + out.name().toLowerCase() + ")");
        }
        List<Dotenv.Item> items;
        if (in == SopsFormat.DOTENV) {
            items = Dotenv.parse(data);
            SopsMetadata metadata = SopsMetadata.of(Dotenv.extractMetadata(items));
            decryptDotenv(items, metadata.rules(), dataKey(metadata));
        } else {
            ObjectNode root = parseJson(data);
            JsonNode sops = root.remove("sops");
            if (sops == null) {
                throw new SopsException("sops metadata not found");
            }
            SopsMetadata metadata = SopsMetadata.of(sops);
            new SopsTree(metadata.rules(), dataKey(metadata)).decrypt(root);
            items = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) root::fields) {
                items.add(new Dotenv.Item(e.getKey(), null, e.getValue()));
            }
        }
        try {
            return switch (out) {
                case DOTENV -> Dotenv.write(items);
                case BINARY -> binary(items);
                default -> json(items);
            };
        } catch (java.io.IOException e) {
            throw new SopsException("could not write the decrypted file: " + e.getMessage());
        }
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

    /** The flat dotenv branch, walked as SOPS walks it: comments collect until a value is met, and are values too. */
    private static void decryptDotenv(List<Dotenv.Item> items, SopsRules rules, byte[] key) throws SopsException {
        List<String> comments = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Dotenv.Item item = items.get(i);
            if (item.key() == null) {
                comments.add(item.comment());
                if (rules.encrypted(List.of(), List.of(List.copyOf(comments)), true)) {
                    try {
                        SopsValue.Plain plain = SopsValue.decrypt(item.comment(), key, ":", "a comment");
                        items.set(i, new Dotenv.Item(null, plain.text(), null));
                    } catch (SopsException e) {
                        // As SOPS: a comment that does not decrypt was not encrypted, and stays as it is.
                    }
                }
                continue;
            }
            List<String> path = List.of(item.key());
            if (rules.encrypted(path, List.of(List.copyOf(comments)), false)) {
                String where = item.key() + ":";
                SopsValue.Plain plain = SopsValue.decrypt(item.value().textValue(), key, where, where);
                items.set(i, new Dotenv.Item(item.key(), null, typed(plain)));
            }
            comments.clear();
        }
    }

    private static JsonNode typed(SopsValue.Plain plain) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (plain instanceof SopsValue.Int i) {
            return f.numberNode(i.value());
        } else if (plain instanceof SopsValue.Bool b) {
            return f.booleanNode(b.value());
        } else if (plain instanceof SopsValue.Str) {
            return f.textNode(plain.text());
        }
        return f.pojoNode(plain);
    }

    private static ObjectNode parseJson(byte[] data) throws SopsException {
        try {
            JsonNode node = JSON.readTree(data);
            if (node == null || !node.isObject()) {
                throw new SopsException("failed to load encrypted JSON data: the document is not a JSON object");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new SopsException("failed to load encrypted JSON data: not valid JSON (line "
                    + e.getLocation().getLineNr() + ")");
        } catch (java.io.IOException e) {
            throw new SopsException("failed to load encrypted JSON data");
        }
    }

    private static byte[] binary(List<Dotenv.Item> items) throws SopsException, java.io.IOException {
        for (Dotenv.Item i : items) {
            if ("data".equals(i.key())) {
                if (i.value() != null && i.value().isBinary()) {
                    return i.value().binaryValue();
                }
                if (i.value() == null || !i.value().isTextual()) {
                    throw new SopsException("error emitting binary store: 'data' key in tree does not have a "
                            + "string value");
                }
                return i.value().textValue().getBytes(StandardCharsets.UTF_8);
            }
        }
        throw new SopsException("error emitting binary store: no binary data found in tree");
    }

    private static byte[] json(List<Dotenv.Item> items) throws SopsException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (Dotenv.Item i : items) {
            if (i.key() == null) {
                continue;
            }
            if (root.has(i.key())) {
                throw new SopsException("key '" + i.key() + "' appears twice, which engine mode does not write as "
                        + "JSON");
            }
            if (i.value() != null && i.value().isPojo()) {
                throw new SopsException("the value of '" + i.key() + "' has a type engine mode does not write as "
                        + "JSON");
            }
            root.set(i.key(), i.value());
        }
        return GoJson.write(root).getBytes(StandardCharsets.UTF_8);
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
