package io.fleetwarden.oci;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Registry logins by registry host, typically read from the {@code .dockerconfigjson} of a Kubernetes pull
 * Secret. Secrets never leave this class in text form: {@link #toString()} lists hosts only, and parse errors
 * name the host and the field, never the content (Jackson's own messages quote the input, so they are not
 * passed on).
 */
public final class RegistryCredentials {

    /** What a pull Secret holds; larger documents are refused rather than parsed. */
    static final int MAX_DOCUMENT_BYTES = 1024 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    private static final Set<String> DOCKER_HUB_ALIASES = Set.of("docker.io", "index.docker.io",
            "registry-1.docker.io", "registry.hub.docker.com");

    private final Map<String, Login> logins;

    /** A user name and password (or token used as password). {@code toString()} hides the password. */
    public record Login(String username, String password) {
        public Login {
            if (username == null || username.isEmpty() || password == null) {
                throw new IllegalArgumentException("a registry login needs a non-empty username and a password");
            }
        }

        @Override
        public String toString() {
            return "Login[username=" + username + ", password=***]";
        }
    }

    private RegistryCredentials(Map<String, Login> logins) {
        this.logins = Map.copyOf(logins);
    }

    public static RegistryCredentials none() {
        return new RegistryCredentials(Map.of());
    }

    /** Logins keyed by registry as users write it ({@code ghcr.io}, {@code localhost:5000}, {@code https://index.docker.io/v1/}). */
    public static RegistryCredentials of(Map<String, Login> loginsByRegistry) {
        Map<String, Login> normalized = new LinkedHashMap<>();
        loginsByRegistry.forEach((registry, login) -> normalized.put(normalizeHost(registry), login));
        return new RegistryCredentials(normalized);
    }

    /**
     * Parses a {@code .dockerconfigjson} document: {@code {"auths":{"<host>":{"auth":"base64(user:pass)"}}}} or
     * with {@code username}/{@code password} fields. Host keys may be URLs ({@code https://host/v1/}).
     *
     * @throws IllegalArgumentException naming what is wrong, without any secret
     */
    public static RegistryCredentials fromDockerConfigJson(byte[] document) {
        return parse(document, ".dockerconfigjson", false);
    }

    /**
     * The legacy {@code .dockercfg} of a {@code kubernetes.io/dockercfg} Secret (still valid as an image pull
     * secret): the same logins, keyed by registry at the top level instead of under {@code auths}.
     */
    public static RegistryCredentials fromDockerCfg(byte[] document) {
        return parse(document, ".dockercfg", true);
    }

    private static RegistryCredentials parse(byte[] document, String key, boolean legacy) {
        if (document == null || document.length == 0) {
            throw new IllegalArgumentException("invalid " + key + ": empty");
        }
        if (document.length > MAX_DOCUMENT_BYTES) {
            throw new IllegalArgumentException("invalid " + key + ": " + document.length + " bytes, at most "
                    + MAX_DOCUMENT_BYTES + " are accepted");
        }
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (IOException e) {
            // Deliberately not e.getMessage(): it can quote the document, and the document holds passwords.
            throw new IllegalArgumentException("invalid " + key + ": not a valid JSON document");
        }
        JsonNode auths = legacy ? root : root == null ? null : root.get("auths");
        if (auths == null || !auths.isObject()) {
            throw new IllegalArgumentException("invalid " + key + (legacy ? ": not a JSON object" : ": no \"auths\" object"));
        }
        Map<String, Login> logins = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : auths.properties()) {
            String host = normalizeHost(entry.getKey());
            if (host.isEmpty()) {
                throw new IllegalArgumentException("invalid " + key + (legacy ? ": a registry key has no host"
                        : ": an \"auths\" key has no host"));
            }
            logins.put(host, login(key, host, entry.getValue()));
        }
        return new RegistryCredentials(logins);
    }

    private static Login login(String key, String host, JsonNode entry) {
        String entryOf = key + ": " + (key.equals(".dockercfg") ? "the entry for " : "auths entry for ") + host;
        if (entry == null || !entry.isObject()) {
            throw new IllegalArgumentException("invalid " + entryOf + " is not an object");
        }
        JsonNode auth = entry.get("auth");
        if (auth != null && !auth.isNull()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.asText()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid " + key + ": \"auth\" of " + host + " is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("invalid " + key + ": \"auth\" of " + host
                        + " does not decode to username:password");
            }
            return new Login(decoded.substring(0, colon), decoded.substring(colon + 1));
        }
        JsonNode username = entry.get("username");
        JsonNode password = entry.get("password");
        if (username == null || !username.isTextual() || username.asText().isEmpty()
                || password == null || !password.isTextual()) {
            throw new IllegalArgumentException("invalid " + entryOf
                    + " has neither \"auth\" nor \"username\" and \"password\" (identity tokens are not supported)");
        }
        return new Login(username.asText(), password.asText());
    }

    /** The login for a registry host as it appears in {@link OciReference#registry()}. */
    public Optional<Login> forRegistry(String registry) {
        return Optional.ofNullable(logins.get(normalizeHost(registry)));
    }

    public Set<String> registries() {
        return new TreeSet<>(logins.keySet());
    }

    /** These logins plus {@code other}'s; {@code other} wins for a host both have. */
    public RegistryCredentials with(RegistryCredentials other) {
        Map<String, Login> merged = new LinkedHashMap<>(logins);
        merged.putAll(other.logins);
        return new RegistryCredentials(merged);
    }

    /** {@code https://Index.Docker.io/v1/} → {@code docker.io}; {@code http://host:5000/} → {@code host:5000}. */
    static String normalizeHost(String key) {
        String host = key.trim().toLowerCase(Locale.ROOT);
        int scheme = host.indexOf("://");
        if (scheme >= 0) {
            host = host.substring(scheme + 3);
        }
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        return DOCKER_HUB_ALIASES.contains(host) ? OciReferenceParser.DOCKER_HUB : host;
    }

    @Override
    public String toString() {
        return "RegistryCredentials" + registries();
    }
}
