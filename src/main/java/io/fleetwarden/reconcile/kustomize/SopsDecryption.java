package io.fleetwarden.reconcile.kustomize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.golang.GoBase64;
import io.fleetwarden.render.DecryptionSources;
import io.fleetwarden.render.RenderException;
import io.fleetwarden.render.SourceTree;
import io.fleetwarden.render.Yaml;
import io.fleetwarden.sops.AgeIdentity;
import io.fleetwarden.sops.PgpKeys;
import io.fleetwarden.sops.SopsDecryptor;
import io.fleetwarden.sops.SopsException;
import io.fleetwarden.sops.SopsFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code spec.decryption} as kustomize-controller v1.9.4 applies it, with age and PGP keys: the keys are the
 * {@code .agekey} and {@code .asc} entries of the named Secret in the Kustomization's namespace (read as the
 * Kustomization's service account, as everything else it reads); before the build, the secret generators' sources
 * and the patch files the kustomizations name are decrypted in place ({@link DecryptionSources}); after it, every object that is a SOPS
 * document, and every Secret data entry that is a SOPS-encrypted file, is decrypted, unless the object says
 * {@code kustomize.toolkit.fluxcd.io/decrypt: disabled}. Any failure fails the build: nothing is applied still
 * encrypted, and nothing is pruned.
 */
final class SopsDecryption {

    static final String DISABLED_ANNOTATION = "kustomize.toolkit.fluxcd.io/decrypt";

    /**
     * Each age identity is tried against each recipient stanza of each data key, an X25519 operation apiece, and PGP
     * keys are public-key operations too: the bound keeps a Secret with thousands of keys from holding a worker for
     * minutes.
     */
    static final int MAX_IDENTITIES = 100;

    private final SopsDecryptor decryptor;

    SopsDecryption(SopsDecryptor decryptor) {
        this.decryptor = decryptor;
    }

    /**
     * The keys of {@code decryption}. Every {@code .agekey} and {@code .asc} entry must parse, as for Flux; the
     * message names the entry (and an age key's line), never a key.
     *
     * @throws IllegalStateException when the Secret is missing or an entry does not parse
     */
    static SopsDecryption of(KubernetesClient asTenant, String namespace, KustomizationSpec.Decryption decryption) {
        if (decryption.secretName() == null) {
            return new SopsDecryption(new SopsDecryptor(List.of(), "no Secret (spec.decryption.secretRef is not set;"
                    + " kustomize-controller's own keys and cloud KMS identities are not available in engine mode)"));
        }
        String where = "sops decryption Secret '" + namespace + "/" + decryption.secretName() + "'";
        Secret secret = asTenant.secrets().inNamespace(namespace).withName(decryption.secretName()).get();
        if (secret == null) {
            throw new IllegalStateException(where + " not found");
        }
        return fromSecretData(secret.getData(), where);
    }

    /** The keys of a decryption Secret's {@code data} (base64 values, as the API gives them). */
    static SopsDecryption fromSecretData(Map<String, String> secretData, String where) {
        List<AgeIdentity> identities = new ArrayList<>();
        PgpKeys pgp = PgpKeys.none();
        Map<String, String> data = new TreeMap<>(secretData == null ? Map.of() : secretData);
        for (Map.Entry<String, String> e : data.entrySet()) {
            String extension = extension(e.getKey());
            if (!extension.equals(".agekey") && !extension.equals(".asc")) {
                continue; // sops.vault-token, sops.aws-kms, …: services engine mode does not reach
            }
            try {
                byte[] value = Base64.getDecoder().decode(e.getValue());
                if (extension.equals(".agekey")) {
                    identities.addAll(AgeIdentity.parseFile(new String(value, StandardCharsets.UTF_8)));
                } else {
                    pgp = pgp.and(PgpKeys.parse(value));
                }
            } catch (IllegalArgumentException ex) {
                throw new IllegalStateException("failed to import '" + e.getKey() + "' data from " + where + ": "
                        + ex.getMessage());
            }
        }
        if (identities.size() + pgp.size() > MAX_IDENTITIES) {
            throw new IllegalStateException(where + " holds " + (identities.size() + pgp.size()) + " keys, more than "
                    + "the " + MAX_IDENTITIES + " engine mode tries");
        }
        return new SopsDecryption(new SopsDecryptor(identities, pgp, where));
    }

    /** Go's {@code filepath.Ext}: from the last dot of the last element, or empty. */
    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 || name.indexOf('/', dot) >= 0 ? "" : name.substring(dot);
    }

    /** The tree with the encrypted sources of the build at {@code path} decrypted. */
    SourceTree sources(SourceTree tree, String path) {
        Map<String, byte[]> decrypted = new HashMap<>();
        for (DecryptionSources.Source source : DecryptionSources.of(tree, path)) {
            byte[] bytes = tree.read(source.path()).orElseThrow();
            SopsFormat format = SopsFormat.forPath(source.formatName());
            if (source.role() == DecryptionSources.Role.ENV && format == SopsFormat.BINARY) {
                format = SopsFormat.DOTENV; // an env file without a known extension is dotenv, as in Flux
            }
            if (!format.marks(bytes)) {
                continue;
            }
            try {
                // A patch is read as objects, so YAML written by another emitter than SOPS's is the same patch; a
                // generator's file becomes a Secret's bytes (and its name's hash), which YAML could not give exactly.
                boolean readAsObjects = format == SopsFormat.YAML && source.role() == DecryptionSources.Role.PATCH;
                decrypted.put(source.path(), readAsObjects ? yaml(source.path(), bytes)
                        : decryptor.decryptFile(bytes, format, format));
            } catch (SopsException e) {
                throw new RenderException(source.kustomization(), null, "decrypting '" + source.path() + "': "
                        + e.getMessage());
            }
        }
        return decrypted.isEmpty() ? tree : SourceTree.replacing(tree, decrypted);
    }

    private byte[] yaml(String path, byte[] bytes) throws SopsException {
        if (bytes.length > SopsDecryptor.MAX_FILE_BYTES) {
            throw new SopsException("cannot decrypt file with size (" + bytes.length + " bytes) exceeding limit ("
                    + SopsDecryptor.MAX_FILE_BYTES + ")");
        }
        List<ObjectNode> docs = new ArrayList<>();
        for (JsonNode d : Yaml.documents(path, bytes)) {
            if (!d.isObject()) {
                throw new SopsException("a document of the file is not a mapping");
            }
            docs.add((ObjectNode) d);
        }
        return Yaml.stream(decryptor.decryptDocuments(docs)).getBytes(StandardCharsets.UTF_8);
    }

    /** The built objects with every SOPS document and every encrypted Secret data entry decrypted. */
    List<ObjectNode> objects(List<ObjectNode> objects) {
        List<ObjectNode> out = new ArrayList<>(objects.size());
        for (ObjectNode o : objects) {
            out.add(object(o));
        }
        return out;
    }

    private ObjectNode object(ObjectNode o) {
        String annotation = o.path("metadata").path("annotations").path(DISABLED_ANNOTATION).asText("");
        if (annotation.equalsIgnoreCase("disabled")) {
            return o;
        }
        String id = o.path("kind").asText() + "/" + o.path("metadata").path("namespace").asText("") + "/"
                + o.path("metadata").path("name").asText();
        try {
            if (SopsDecryptor.isEncrypted(o)) {
                return decryptor.decryptObject(o);
            }
            if (o.path("kind").asText().equals("Secret") && o.path("data").isObject()) {
                return secretEntries(o);
            }
            return o;
        } catch (SopsException e) {
            throw new IllegalStateException("decryption failed for " + id + ": " + e.getMessage());
        }
    }

    private ObjectNode secretEntries(ObjectNode secret) throws SopsException {
        ObjectNode copy = null;
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) secret.path("data")::fields) {
            byte[] raw;
            try {
                // As Go decodes it: kustomize writes long values in lines of 70 characters.
                raw = GoBase64.decodeStd(e.getValue().asText());
            } catch (IllegalArgumentException ex) {
                continue; // as Flux: not base64 is the user's mistake, which the API server reports
            }
            var in = SopsFormat.detect(raw);
            if (in.isEmpty()) {
                continue;
            }
            byte[] plain;
            try {
                plain = decryptor.decryptFile(raw, in.get(), SopsFormat.forPath(e.getKey()));
            } catch (SopsException ex) {
                throw new SopsException("Secret field '" + e.getKey() + "': " + ex.getMessage());
            }
            if (copy == null) {
                copy = secret.deepCopy();
            }
            ((ObjectNode) copy.get("data")).put(e.getKey(), Base64.getEncoder().encodeToString(plain));
        }
        return copy == null ? secret : copy;
    }
}
