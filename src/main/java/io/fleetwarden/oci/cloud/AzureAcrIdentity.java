package io.fleetwarden.oci.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.oci.RegistryProxy;
import io.fleetwarden.oci.cloud.AzureHttp.Answer;
import io.fleetwarden.oci.cloud.AzureHttp.Unreachable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * ACR logins for the service's own Azure identity, as source-controller gets them (fluxcd/pkg/auth/azure): an Azure AD
 * access token for ACR's audience, exchanged at the registry for an ACR refresh token, which is the password of the
 * fixed user {@value #ACR_USERNAME}.
 *
 * <p>The identity is the first one configured, in the order of Flux's credential chain without shell-outs; like Flux,
 * a configured identity that fails is an error, never a reason to try the next one (that would log in as an identity
 * the operator did not choose):
 * <ol>
 * <li>a service principal's client secret: {@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_ID}, {@code AZURE_CLIENT_SECRET}
 * (the certificate and username/password variants of Azure's EnvironmentCredential are refused as unsupported);</li>
 * <li>workload identity (AKS): {@code AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID}, {@code AZURE_FEDERATED_TOKEN_FILE},
 * {@code AZURE_AUTHORITY_HOST}, the Kubernetes token in the file being the client assertion;</li>
 * <li>the node's managed identity from IMDS, the one whose client ID is {@code AZURE_CLIENT_ID} when that is set.</li>
 * </ol>
 * Nothing is cached here: {@link CloudLogins} keeps a login until near its expiry. A variable counts as set when it is
 * not empty.
 */
final class AzureAcrIdentity implements CloudIdentity {

    /** The user name of every ACR login by refresh token (Azure's {@code az acr login --expose-token}). */
    static final String ACR_USERNAME = "00000000-0000-0000-0000-000000000000";
    /** ACR's audience; azcontainerregistry uses the same one for the public, China and government clouds. */
    static final String ACR_RESOURCE = "https://containerregistry.azure.net";
    static final String ACR_SCOPE = ACR_RESOURCE + "/.default";
    static final URI PUBLIC_CLOUD_AUTHORITY = URI.create("https://login.microsoftonline.com/");
    /**
     * IMDS is plain http on a link-local address, answered by the hypervisor of the very node we run on: it is never
     * asked through a proxy, since a proxy elsewhere would reach its own node's IMDS (another identity, or none), and the
     * request must not leave the node. The {@code Metadata: true} header, which a proxy-forwarded or browser-made request
     * would not carry, is IMDS's own guard against being reached by something other than a local workload.
     */
    static final URI IMDS_TOKEN_ENDPOINT = URI.create("http://169.254.169.254/metadata/identity/oauth2/token");
    /**
     * How long to wait for IMDS to accept a connection, as azidentity's probe does (one second): where there is no IMDS
     * the address is usually a black hole, and a login must fail quickly saying no identity is configured, not spend the
     * whole deadline. On an Azure node IMDS accepts within milliseconds; the token itself gets what is left.
     */
    static final Duration IMDS_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final int MAX_TOKEN_FILE_BYTES = 64 * 1024;

    private static final String TENANT = "AZURE_TENANT_ID";
    private static final String CLIENT_ID = "AZURE_CLIENT_ID";
    private static final String CLIENT_SECRET = "AZURE_CLIENT_SECRET";
    private static final String TOKEN_FILE = "AZURE_FEDERATED_TOKEN_FILE";
    private static final String AUTHORITY_HOST = "AZURE_AUTHORITY_HOST";

    private static final String WHAT_TO_CONFIGURE = "configure one of: a client secret (AZURE_TENANT_ID, "
            + "AZURE_CLIENT_ID, AZURE_CLIENT_SECRET), workload identity (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE, "
            + "AZURE_AUTHORITY_HOST, set by AKS's workload identity webhook), or a managed identity of the node";
    /** azidentity's rule for a tenant ID; anything else could change the token URL's path. */
    private static final Pattern TENANT_ID = Pattern.compile("[0-9A-Za-z.-]+");
    /** An OAuth error code as RFC 6749 defines them; anything else in a body is not quoted. */
    private static final Pattern OAUTH_ERROR = Pattern.compile("[a-z_]{1,64}");
    private static final Pattern REGISTRY_HOST = Pattern.compile(
            "[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");
    private static final Set<String> REFUSALS = Set.of("invalid_client", "invalid_grant", "unauthorized_client");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> env;
    private final URI defaultAuthority;
    private final URI imds;
    private final Function<String, URI> registryOrigin;
    private final boolean plainHttpOnLoopback;

    /**
     * The seam tests use: {@code env} instead of the process's, the authority used when {@code AZURE_AUTHORITY_HOST} is
     * unset, IMDS's token URL, the origin of each registry's token exchange, and whether plain http to a loopback
     * address is allowed for Azure AD and the registry (never in production).
     */
    AzureAcrIdentity(Map<String, String> env, URI defaultAuthority, URI imds, Function<String, URI> registryOrigin,
            boolean plainHttpOnLoopback) {
        this.env = Map.copyOf(env);
        this.defaultAuthority = defaultAuthority;
        this.imds = imds;
        this.registryOrigin = registryOrigin;
        this.plainHttpOnLoopback = plainHttpOnLoopback;
    }

    static CloudIdentity fromEnvironment() {
        return new AzureAcrIdentity(System.getenv(), PUBLIC_CLOUD_AUTHORITY, IMDS_TOKEN_ENDPOINT,
                registry -> URI.create("https://" + registry), false);
    }

    @Override
    public CloudLogin login(String registryInput, String registry, RegistryProxy proxies, Deadline deadline)
            throws RegistryException {
        if (set("AZURE_ENVIRONMENT_FILEPATH")) {
            throw new RegistryException(Kind.UNAUTHORIZED, "Azure: AZURE_ENVIRONMENT_FILEPATH is set, but custom Azure "
                    + "clouds are not supported (only ACR in the public, China and government clouds); unset it");
        }
        String aadToken = aadToken(proxies, deadline);
        String refreshToken = exchange(registryInput, aadToken, proxies, deadline);
        return new CloudLogin(ACR_USERNAME, refreshToken, expiry(refreshToken, "ACR token exchange at " + registryInput));
    }

    /** An Azure AD access token for ACR's audience, from the first identity configured. */
    private String aadToken(RegistryProxy proxies, Deadline deadline) throws RegistryException {
        if (set(TENANT) && set(CLIENT_ID)) {
            if (set(CLIENT_SECRET)) {
                return tokenFromAzureAd("client secret", Map.of("client_secret", env.get(CLIENT_SECRET)),
                        "check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET", proxies, deadline);
            }
            // Flux would use these; falling through to another identity would log in as one nobody chose.
            if (set("AZURE_CLIENT_CERTIFICATE_PATH")) {
                throw unsupported("a client certificate (AZURE_CLIENT_CERTIFICATE_PATH)");
            }
            if (set("AZURE_USERNAME")) {
                throw unsupported("a username and password (AZURE_USERNAME, AZURE_PASSWORD)");
            }
        }
        if (set(CLIENT_ID) && set(TENANT) && set(TOKEN_FILE) && set(AUTHORITY_HOST)) {
            return tokenFromAzureAd("workload identity", Map.of(
                    "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    "client_assertion", federatedToken()),
                    "check the service account's azure.workload.identity/client-id and the identity's federated "
                            + "credential for it", proxies, deadline);
        }
        if (set("IDENTITY_ENDPOINT") || set("MSI_ENDPOINT")) {
            throw unsupported("the managed identity endpoint of App Service, Azure Arc, Cloud Shell or Service Fabric "
                    + "(IDENTITY_ENDPOINT, MSI_ENDPOINT)");
        }
        return tokenFromImds(deadline);
    }

    private RegistryException unsupported(String what) {
        return new RegistryException(Kind.UNAUTHORIZED, "Azure: the environment configures " + what + ", which "
                + "fleetwarden does not support; use a client secret (AZURE_CLIENT_SECRET), workload identity or a "
                + "managed identity instead");
    }

    /** The client-credentials grant at {@code {authority}{tenant}/oauth2/v2.0/token} with the given credential. */
    private String tokenFromAzureAd(String flow, Map<String, String> credential, String advice, RegistryProxy proxies,
            Deadline deadline) throws RegistryException {
        String tenant = env.get(TENANT);
        if (!TENANT_ID.matcher(tenant).matches()) {
            throw new RegistryException(Kind.UNAUTHORIZED, "Azure AD token (" + flow + "): AZURE_TENANT_ID is not a "
                    + "tenant ID (letters, digits, '-' and '.')");
        }
        URI endpoint = authority(flow).resolve(tenant + "/oauth2/v2.0/token");
        String what = "Azure AD token (" + flow + ") from " + hostOf(endpoint);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", env.get(CLIENT_ID));
        form.put("scope", ACR_SCOPE);
        form.put("grant_type", "client_credentials");
        form.putAll(credential);
        Answer answer = AzureHttp.through(proxies).postForm(endpoint, form, what, deadline, Unreachable.RETRY);
        if (!answer.ok()) {
            throw refused(answer, what, advice);
        }
        return textField(answer, "access_token", what);
    }

    /** {@code AZURE_AUTHORITY_HOST} (or the public cloud's), https only, as a base ending with '/'. */
    private URI authority(String flow) throws RegistryException {
        String configured = env.get(AUTHORITY_HOST);
        URI uri;
        try {
            uri = set(AUTHORITY_HOST) ? new URI(configured) : defaultAuthority;
        } catch (URISyntaxException e) {
            throw badAuthority(flow);
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw badAuthority(flow);
        }
        requireHttps(uri, "Azure AD token (" + flow + ")", "AZURE_AUTHORITY_HOST");
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + (path.endsWith("/") ? path : path + "/"));
    }

    private static RegistryException badAuthority(String flow) {
        return new RegistryException(Kind.UNAUTHORIZED, "Azure AD token (" + flow + "): AZURE_AUTHORITY_HOST is not an "
                + "https URL of an authority host such as https://login.microsoftonline.com/");
    }

    /**
     * The Kubernetes service account token kubelet keeps in {@code AZURE_FEDERATED_TOKEN_FILE}, read anew for every
     * login since kubelet rotates it; bounded, since a token is a few kilobytes.
     */
    private String federatedToken() throws RegistryException {
        String what = "Azure AD token (workload identity): the token file named by AZURE_FEDERATED_TOKEN_FILE";
        byte[] content;
        try (InputStream in = Files.newInputStream(Path.of(env.get(TOKEN_FILE)))) {
            content = in.readNBytes(MAX_TOKEN_FILE_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            throw new RegistryException(Kind.UNAUTHORIZED, what + " cannot be read (" + e.getClass().getSimpleName()
                    + "); check the pod's projected service account token volume");
        }
        if (content.length > MAX_TOKEN_FILE_BYTES) {
            throw new RegistryException(Kind.UNAUTHORIZED, what + " is over 64 KiB, so it is no service account token");
        }
        // A JWT has no whitespace; a trailing newline from a hand-written file is not part of it.
        String token = new String(content, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new RegistryException(Kind.UNAUTHORIZED, what + " is empty");
        }
        return token;
    }

    /** The node's managed identity, from IMDS, directly (see {@link #IMDS_TOKEN_ENDPOINT}). */
    private String tokenFromImds(Deadline deadline) throws RegistryException {
        String query = "api-version=2018-02-01&resource=" + AzureHttp.encode(ACR_RESOURCE)
                + (set(CLIENT_ID) ? "&client_id=" + AzureHttp.encode(env.get(CLIENT_ID)) : "");
        URI endpoint = URI.create(imds + "?" + query);
        String what = "Azure managed identity token from IMDS " + hostOf(endpoint);
        // No IMDS at all means this is no Azure node and nothing else is configured: an identity is missing.
        Unreachable noIdentity = new Unreachable(Kind.UNAUTHORIZED, "no Azure identity found; " + WHAT_TO_CONFIGURE);
        Answer answer = AzureHttp.direct(IMDS_CONNECT_TIMEOUT).get(endpoint, Map.of("Metadata", "true"), what, deadline,
                noIdentity);
        int status = answer.status();
        if (status == 400 || status == 401 || status == 403) {
            // 400 is IMDS's answer when no identity (or not the one asked for) is assigned to the node.
            throw new RegistryException(Kind.UNAUTHORIZED, what + ": refused (HTTP " + status + "); assign a managed "
                    + "identity to the node" + (set(CLIENT_ID) ? ", with the client ID in AZURE_CLIENT_ID" : "")
                    + ", or " + WHAT_TO_CONFIGURE);
        }
        if (!answer.ok()) {
            throw new RegistryException(Kind.UNAVAILABLE, what + ": HTTP " + status + "; the next attempt asks again");
        }
        return textField(answer, "access_token", what);
    }

    /** Exchanges the Azure AD token at the registry for an ACR refresh token. */
    private String exchange(String registry, String aadToken, RegistryProxy proxies, Deadline deadline)
            throws RegistryException {
        String what = "ACR token exchange at " + registry;
        // CloudProvider's pattern only anchors the suffix; the Azure AD token goes to this host, so it must be a plain
        // DNS name, not something that could move the URL's authority elsewhere.
        if (!REGISTRY_HOST.matcher(registry).matches()) {
            throw new RegistryException(Kind.UNAUTHORIZED, "ACR token exchange: the registry is not a DNS name");
        }
        URI origin = registryOrigin.apply(registry);
        requireHttps(origin, what, "the registry");
        URI endpoint = origin.resolve("/oauth2/exchange?api-version=2021-07-01");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "access_token");
        form.put("service", registry);
        form.put("access_token", aadToken);
        Answer answer = AzureHttp.through(proxies).postForm(endpoint, form, what, deadline, Unreachable.RETRY);
        if (!answer.ok()) {
            throw refused(answer, what, "grant the identity the AcrPull role on the registry");
        }
        return textField(answer, "refresh_token", what);
    }

    /**
     * When the refresh token expires, from its JWT {@code exp} claim, read without checking the signature, as Flux
     * does. That is safe because the claim decides nothing but when to ask for a new login: the token is only ever
     * sent back to the registry that issued it, which validates it; a wrong {@code exp} at worst makes us ask again
     * early or meet a 401 that the next login fixes. A token whose expiry cannot be read is refused: caching it would
     * need a guess.
     */
    static Instant expiry(String jwt, String what) throws RegistryException {
        RegistryException malformed = new RegistryException(Kind.UNAVAILABLE, what + ": the refresh token is not a JWT "
                + "with a numeric exp claim, so when it expires is unknown; refused it, the next attempt asks again");
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            throw malformed;
        }
        JsonNode exp;
        try {
            exp = JSON.readTree(Base64.getUrlDecoder().decode(parts[1])).get("exp");
        } catch (IOException | IllegalArgumentException e) {
            throw malformed;
        }
        if (exp == null || !exp.isNumber() || !(exp.asDouble() > 0) || exp.asDouble() > Instant.MAX.getEpochSecond()) {
            throw malformed;
        }
        return Instant.ofEpochSecond((long) exp.asDouble());
    }

    /**
     * An answer other than 2xx: a refusal of the identity (UNAUTHORIZED) for 400, 401, 403 or an OAuth code that says
     * so, else the endpoint's trouble (UNAVAILABLE). The message quotes only the status, the OAuth {@code error} code
     * and AADSTS numbers, never the description or the body.
     */
    private static RegistryException refused(Answer answer, String what, String advice) {
        int status = answer.status();
        String code = "";
        JsonNode error = null;
        try {
            error = JSON.readTree(answer.body());
        } catch (IOException e) {
            // no JSON: only the status is reported
        }
        String given = error == null ? "" : error.path("error").asText("");
        if (OAUTH_ERROR.matcher(given).matches()) {
            code = given;
        }
        StringBuilder detail = new StringBuilder("HTTP ").append(status);
        if (!code.isEmpty()) {
            detail.append(' ').append(code);
        }
        if (error != null && error.path("error_codes").isArray()) {
            for (JsonNode n : error.path("error_codes")) {
                if (n.canConvertToInt()) {
                    detail.append(" AADSTS").append(n.asInt());
                }
            }
        }
        if (status == 400 || status == 401 || status == 403 || REFUSALS.contains(code)) {
            return new RegistryException(Kind.UNAUTHORIZED, what + ": refused (" + detail + "); " + advice);
        }
        return new RegistryException(Kind.UNAVAILABLE, what + ": " + detail + "; the next attempt asks again");
    }

    private static String textField(Answer answer, String field, String what) throws RegistryException {
        JsonNode value;
        try {
            value = JSON.readTree(answer.body()).get(field);
        } catch (IOException e) {
            value = null;
        }
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new RegistryException(Kind.UNAVAILABLE, what + ": the answer has no " + field
                    + "; the next attempt asks again");
        }
        return value.asText();
    }

    /**
     * Secrets and tokens go to Azure AD and the registry over https only; the test seam may allow plain http to a
     * loopback address, where nothing leaves the machine.
     */
    private void requireHttps(URI uri, String what, String setting) throws RegistryException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http") && plainHttpOnLoopback
                && isLoopback(uri.getHost())) {
            return;
        }
        throw new RegistryException(Kind.UNAUTHORIZED, what + ": refusing " + scheme + "://" + hostOf(uri) + ", "
                + setting + " must be reached over https");
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        // Only address literals: a name could resolve anywhere.
        if (!literal.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String hostOf(URI uri) {
        return uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    }

    private boolean set(String name) {
        String value = env.get(name);
        return value != null && !value.isEmpty();
    }
}
