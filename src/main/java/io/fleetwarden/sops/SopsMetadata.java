package io.fleetwarden.sops;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code sops} metadata of an encrypted document, read as getsops/sops v3.13 reads it: the key groups (the flat
 * {@code age}, {@code pgp}, {@code kms}… lists, else {@code key_groups}), {@code lastmodified} (RFC 3339, required,
 * checked and not kept), and the encryption rules (at most one; none means {@code unencrypted_suffix:
 * _unencrypted}). The MAC and {@code mac_only_encrypted}, which only the MAC uses, are not read: kustomize-controller
 * does not check the MAC ({@link SopsDecryptor}).
 */
record SopsMetadata(List<List<KeyEntry>> groups, SopsRules rules) {

    /**
     * One master key of a group: its type as SOPS names it, the recipient (age) or fingerprint (PGP), and the
     * armored data key.
     */
    record KeyEntry(String type, String recipient, String encryptedKey) {
    }

    private static final List<String> KEY_TYPES = List.of("kms", "gcp_kms", "hckms", "azure_kv", "hc_vault", "pgp",
            "age");
    private static final List<String> RULES = List.of("unencrypted_suffix", "encrypted_suffix", "unencrypted_regex",
            "encrypted_regex", "unencrypted_comment_regex", "encrypted_comment_regex");

    static SopsMetadata of(JsonNode sops) throws SopsException {
        if (!sops.isObject()) {
            throw new SopsException("the sops metadata is not a mapping");
        }
        String lastModified = string(sops, "lastmodified");
        try {
            OffsetDateTime.parse(lastModified, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException e) {
            throw new SopsException("the sops metadata's lastmodified is not an RFC 3339 time");
        }
        List<List<KeyEntry>> groups = new ArrayList<>();
        if (KEY_TYPES.stream().anyMatch(t -> sops.path(t).size() > 0)) {
            groups.add(group(sops));
        } else if (sops.path("key_groups").size() > 0) {
            for (JsonNode g : sops.path("key_groups")) {
                groups.add(group(g));
            }
        } else {
            throw new SopsException("no keys found in the sops metadata");
        }
        List<String> set = RULES.stream().filter(r -> !string(sops, r).isEmpty()).toList();
        if (set.size() > 1) {
            throw new SopsException("cannot use more than one of encrypted_suffix, unencrypted_suffix, "
                    + "encrypted_regex, unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex in "
                    + "the same file");
        }
        String unencryptedSuffix = set.isEmpty() ? "_unencrypted" : string(sops, "unencrypted_suffix");
        SopsRules rules = SopsRules.of(unencryptedSuffix, string(sops, "encrypted_suffix"),
                string(sops, "unencrypted_regex"), string(sops, "encrypted_regex"),
                string(sops, "unencrypted_comment_regex"), string(sops, "encrypted_comment_regex"));
        return new SopsMetadata(groups, rules);
    }

    private static List<KeyEntry> group(JsonNode g) throws SopsException {
        List<KeyEntry> keys = new ArrayList<>();
        // SOPS's order within a group: kms, gcp_kms, hckms, azure_kv, hc_vault, pgp, age.
        for (String type : KEY_TYPES) {
            JsonNode list = g.path(type);
            if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
                throw new SopsException("the sops metadata's '" + type + "' is not a list");
            }
            for (JsonNode k : list) {
                keys.add(new KeyEntry(type, type.equals("age") ? string(k, "recipient")
                        : type.equals("pgp") ? string(k, "fp") : "", string(k, "enc")));
            }
        }
        return keys;
    }

    private static String string(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isValueNode() && !v.isNull() ? v.asText() : "";
    }
}
