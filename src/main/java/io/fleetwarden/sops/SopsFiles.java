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
 * Whole encrypted files, read in one SOPS format and written in another as kustomize-controller's
 * {@code SopsDecryptWithFormat} does: JSON and binary (a JSON envelope) read as JSON, dotenv as SOPS's dotenv store;
 * written as dotenv, binary (the {@code data} value's bytes) or JSON (Go's encoding, {@link GoJson}).
 */
final class SopsFiles {

    /** The data key of a document's metadata (the decryptor's keys). */
    interface DataKeys {
        byte[] of(SopsMetadata metadata) throws SopsException;
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private SopsFiles() {
    }

    static byte[] decrypt(byte[] data, SopsFormat in, SopsFormat out, DataKeys keys) throws SopsException {
        if (data.length > SopsDecryptor.MAX_FILE_BYTES) {
            throw new SopsException("cannot decrypt file with size (" + data.length + " bytes) exceeding limit ("
                    + SopsDecryptor.MAX_FILE_BYTES + ")");
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
            decryptDotenv(items, metadata.rules(), keys.of(metadata));
        } else {
            ObjectNode root = parseJson(data);
            JsonNode sops = root.remove("sops");
            if (sops == null) {
                throw new SopsException("sops metadata not found");
            }
            SopsMetadata metadata = SopsMetadata.of(sops);
            new SopsTree(metadata.rules(), keys.of(metadata)).decrypt(root);
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
}
