package io.fleetwarden.oci;

import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.oci.RegistryTransport.Request;
import io.fleetwarden.oci.RegistryTransport.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registry authentication as Docker and the distribution token spec do it: try anonymously (or with what a
 * previous challenge taught us), and on 401 follow the {@code WWW-Authenticate} challenge once: Bearer → fetch a
 * token from the realm (with Basic credentials when we have a login for the registry), Basic → send the login.
 * Tokens are cached per (registry, scope) until shortly before they expire, so a busy webhook does not fetch
 * a token per request.
 *
 * <p>Credentials and tokens never appear in messages or {@code toString()}. A token realm must be HTTPS unless
 * {@link TransportSecurity} allows plain HTTP to it, since the Basic credentials travel to the realm.
 */
final class RegistryAuth {

    private static final long MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
    private static final int MAX_CACHED_TOKENS = 512;

    private final RegistryTransport transport;
    private final TransportSecurity security;
    private final RegistryCredentials credentials;
    private final ConcurrentHashMap<TokenKey, BearerToken> tokens = new ConcurrentHashMap<>();
    private final Set<String> basicRegistries = ConcurrentHashMap.newKeySet();

    private record TokenKey(String registry, String scope) {
    }

    RegistryAuth(RegistryTransport transport, TransportSecurity security, RegistryCredentials credentials) {
        this.transport = transport;
        this.security = security;
        this.credentials = credentials;
    }

    /**
     * Sends a pull request for {@code repository} of {@code registry}, authenticating as needed.
     *
     * @return any answer except 401/403, which become {@link Kind#UNAUTHORIZED}
     */
    Response exchange(String registry, String repository, Request request, URI origin, Deadline deadline)
            throws RegistryException {
        TokenKey key = new TokenKey(registry, "repository:" + repository + ":pull");
        Response response = transport.send(request.withAuthorization(cachedAuthorization(key)), origin, deadline);
        if (response.status() == 401) {
            tokens.remove(key);
            String authorization = authorize(key, response, deadline, request.what());
            response = transport.send(request.withAuthorization(authorization), origin, deadline);
        }
        if (response.status() == 401 || response.status() == 403) {
            throw new RegistryException(Kind.UNAUTHORIZED, request.what() + ": access denied (HTTP " + response.status()
                    + ") " + (login(registry).isPresent() ? "with the login configured for " + registry
                            : "to an anonymous request, no login is configured for " + registry));
        }
        return response;
    }

    private String cachedAuthorization(TokenKey key) {
        if (basicRegistries.contains(key.registry())) {
            return login(key.registry()).map(RegistryAuth::basic).orElse(null);
        }
        BearerToken token = tokens.get(key);
        return token == null || token.expired() ? null : "Bearer " + token.value();
    }

    private String authorize(TokenKey key, Response unauthorized, Deadline deadline, String what) throws RegistryException {
        AuthChallenge challenge = AuthChallenge.preferred(unauthorized.headers().allValues("WWW-Authenticate"))
                .orElseThrow(() -> new RegistryException(Kind.UNAUTHORIZED,
                        what + ": access denied (HTTP 401) without a Bearer or Basic challenge"));
        if ("basic".equals(challenge.scheme())) {
            RegistryCredentials.Login login = login(key.registry()).orElseThrow(() -> new RegistryException(
                    Kind.UNAUTHORIZED, what + ": the registry requires a login (Basic) and none is configured for "
                            + key.registry()));
            basicRegistries.add(key.registry());
            return basic(login);
        }
        BearerToken token = fetchToken(key, challenge, deadline, what);
        if (tokens.size() >= MAX_CACHED_TOKENS) {
            tokens.values().removeIf(BearerToken::expired);
            if (tokens.size() >= MAX_CACHED_TOKENS) {
                tokens.clear();
            }
        }
        tokens.put(key, token);
        return "Bearer " + token.value();
    }

    private BearerToken fetchToken(TokenKey key, AuthChallenge challenge, Deadline deadline, String what)
            throws RegistryException {
        String realm = challenge.param("realm");
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (RuntimeException e) {
            throw new RegistryException(Kind.INVALID_RESPONSE, what + ": Bearer challenge without a valid realm URL");
        }
        if (realmUri.getHost() == null || !security.allows(realmUri)) {
            throw new RegistryException(Kind.UNAVAILABLE, what + ": refusing token realm " + realmUri.getScheme() + "://"
                    + realmUri.getRawAuthority() + ", token realms other than loopback or insecure hosts require https");
        }
        String scope = challenge.param("scope") == null ? key.scope() : challenge.param("scope");
        StringBuilder query = new StringBuilder("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        if (challenge.param("service") != null) {
            query.append("&service=").append(URLEncoder.encode(challenge.param("service"), StandardCharsets.UTF_8));
        }
        URI tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        String tokenWhat = what + " (token from " + realmUri.getRawAuthority() + ")";
        Request request = Request.get(tokenUri, "application/json", MAX_TOKEN_RESPONSE_BYTES, tokenWhat)
                .withAuthorization(login(key.registry()).map(RegistryAuth::basic).orElse(null));
        Response response = transport.send(request, tokenUri, deadline);
        if (!response.ok()) {
            throw RegistryTransport.unexpected(response, tokenWhat);
        }
        return BearerToken.parse(response.body(), tokenWhat);
    }

    private Optional<RegistryCredentials.Login> login(String registry) {
        return credentials.forRegistry(registry);
    }

    private static String basic(RegistryCredentials.Login login) {
        return "Basic " + Base64.getEncoder().encodeToString(
                (login.username() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
    }
}
