package io.fleetwarden.oci.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.oci.RegistryProxy;
import io.fleetwarden.testing.FormBody;
import io.fleetwarden.testing.RecordingProxy;
import io.fleetwarden.testing.StallingServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ACR logins for the service's Azure identity against fake Azure AD, IMDS and registry token endpoints on loopback,
 * each checking what Azure checks (the tenant in the path, the form of the client-credentials grant, IMDS's
 * {@code Metadata} header, the exchange's form) and recording what it got.
 */
class AzureAcrIdentityTest {

    private static final String REGISTRY = "myreg.azurecr.io";
    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String CLIENT_ID = "11111111-2222-3333-4444-555555555555";
    private static final String CLIENT_SECRET = "client-secret-VALUE-must-not-leak";
    private static final String AAD_TOKEN = "aad-access-token-must-not-leak";
    private static final String IMDS_TOKEN = "imds-access-token-must-not-leak";
    private static final String BODY_MARKER = "body-text-must-not-leak";
    private static final Instant EXPIRES = Instant.parse("2030-01-02T03:04:05Z");
    private static final String REFRESH_TOKEN = jwt("{\"exp\":" + EXPIRES.getEpochSecond() + ",\"tenant\":\"" + TENANT + "\"}");

    @TempDir
    Path dir;

    private FakeEndpoint aad;
    private FakeEndpoint acr;
    private FakeEndpoint imds;
    private Path tokenFile;

    @BeforeEach
    void start() throws IOException {
        aad = FakeEndpoint.start();
        acr = FakeEndpoint.start();
        imds = FakeEndpoint.start();
        tokenFile = dir.resolve("azure-identity-token");
        Files.writeString(tokenFile, serviceAccountToken("first"));
        acr.reply(AzureAcrIdentityTest::exchangeLikeAcr);
    }

    @AfterEach
    void stop() {
        aad.close();
        acr.close();
        imds.close();
    }

    @Test
    void workloadIdentityLogsInWithTheTokenFileAndRereadsItWhenKubeletRotatesIt() throws Exception {
        aad.reply(r -> tokenLikeAzureAd(r, "client_assertion", Files.readString(tokenFile)));

        CloudLogin first = identity(workloadEnv()).login(REGISTRY, REGISTRY, RegistryProxy.direct(), deadline());

        assertThat(first.username()).isEqualTo("00000000-0000-0000-0000-000000000000");
        assertThat(first.password()).isEqualTo(REFRESH_TOKEN);
        assertThat(first.expiresAt()).isEqualTo(EXPIRES);
        FakeEndpoint.Request token = aad.only();
        assertThat(token.method()).isEqualTo("POST");
        assertThat(token.path()).isEqualTo("/" + TENANT + "/oauth2/v2.0/token");
        assertThat(token.contentType()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(token.form()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "client_id", CLIENT_ID,
                "scope", "https://containerregistry.azure.net/.default",
                "grant_type", "client_credentials",
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", serviceAccountToken("first")));
        FakeEndpoint.Request exchange = acr.only();
        assertThat(exchange.path()).isEqualTo("/oauth2/exchange");
        assertThat(exchange.query()).isEqualTo("api-version=2021-07-01");
        assertThat(exchange.form()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "grant_type", "access_token", "service", REGISTRY, "access_token", AAD_TOKEN));
        assertThat(imds.requests()).isEmpty();

        // kubelet rotates the projected token: the next login must present the new one, not a remembered one.
        Files.writeString(tokenFile, serviceAccountToken("rotated"));
        identity(workloadEnv()).login(REGISTRY, REGISTRY, RegistryProxy.direct(), deadline());
        assertThat(aad.requests()).hasSize(2);
        assertThat(aad.requests().get(1).form()).containsEntry("client_assertion", serviceAccountToken("rotated"));
    }

    @Test
    void theSameIdentityRereadsTheTokenFileOnEveryLogin() throws Exception {
        aad.reply(r -> tokenLikeAzureAd(r, "client_assertion", Files.readString(tokenFile)));
        AzureAcrIdentity identity = identity(workloadEnv());

        identity.login(REGISTRY, REGISTRY, RegistryProxy.direct(), deadline());
        Files.writeString(tokenFile, serviceAccountToken("rotated"));
        CloudLogin second = identity.login(REGISTRY, REGISTRY, RegistryProxy.direct(), deadline());

        assertThat(second.password()).isEqualTo(REFRESH_TOKEN);
        assertThat(aad.requests()).extracting(r -> r.form().get("client_assertion"))
                .containsExactly(serviceAccountToken("first"), serviceAccountToken("rotated"));
        assertThat(acr.requests()).hasSize(2);
    }

    @Test
    void clientSecretInTheEnvironmentIsUsedBeforeWorkloadIdentity() throws Exception {
        aad.reply(r -> tokenLikeAzureAd(r, "client_secret", CLIENT_SECRET));
        Map<String, String> env = workloadEnv();
        env.put("AZURE_CLIENT_SECRET", CLIENT_SECRET);
        env.remove("AZURE_AUTHORITY_HOST"); // the EnvironmentCredential's default authority: the seam's

        CloudLogin login = identity(env).login(REGISTRY, REGISTRY, RegistryProxy.direct(), deadline());

        assertThat(login.password()).isEqualTo(REFRESH_TOKEN);
        FakeEndpoint.Request token = aad.only();
        assertThat(token.path()).isEqualTo("/" + TENANT + "/oauth2/v2.0/token");
        assertThat(token.form()).containsExactlyInAnyOrderEntriesOf(Map.of("client_id", CLIENT_ID,
                "scope", "https://containerregistry.azure.net/.default", "grant_type", "client_credentials",
                "client_secret", CLIENT_SECRET));
        assertThat(acr.only().form()).containsEntry("access_token", AAD_TOKEN);
    }

    @Test
    void managedIdentityAsksImdsForTheNodesIdentityChosenByClientId() throws Exception {
        imds.reply(AzureAcrIdentityTest::tokenLikeImds);

        CloudLogin login = identity(Map.of("AZURE_CLIENT_ID", CLIENT_ID)).login(REGISTRY, REGISTRY,
                RegistryProxy.direct(), deadline());

        assertThat(login.password()).isEqualTo(REFRESH_TOKEN);
        FakeEndpoint.Request token = imds.only();
        assertThat(token.method()).isEqualTo("GET");
        assertThat(token.path()).isEqualTo("/metadata/identity/oauth2/token");
        assertThat(token.queryParameters()).containsExactlyInAnyOrderEntriesOf(Map.of("api-version", "2018-02-01",
                "resource", "https://containerregistry.azure.net", "client_id", CLIENT_ID));
        assertThat(token.header("Metadata")).isEqualTo("true");
        assertThat(aad.requests()).isEmpty();
    }

    @Test
    void managedIdentityWithoutClientIdAsksForTheNodesOnlyIdentity() throws Exception {
        imds.reply(AzureAcrIdentityTest::tokenLikeImds);

        identity(Map.of()).login(REGISTRY, REGISTRY, RegistryProxy.direct(), deadline());

        assertThat(imds.only().queryParameters()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "api-version", "2018-02-01", "resource", "https://containerregistry.azure.net"));
    }

    @Test
    void imdsWithNoIdentityAssignedIsUnauthorized() {
        imds.reply(r -> Reply.json(400, "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found "
                + BODY_MARKER + "\"}"));

        RegistryException e = loginFails(identity(Map.of()), RegistryProxy.direct());

        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(e.getMessage()).startsWith("Azure managed identity token from IMDS 127.0.0.1:")
                .contains("HTTP 400").contains("assign a managed identity");
        assertNoSecretIn(e);
        assertThat(acr.requests()).isEmpty();
    }

    @Test
    void azureAdRefusingTheClientIsUnauthorizedWithoutQuotingSecretsOrBody() {
        aad.reply(r -> Reply.json(401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid "
                + "client secret provided. " + BODY_MARKER + "\",\"error_codes\":[7000215]}"));
        Map<String, String> env = workloadEnv();
        env.put("AZURE_CLIENT_SECRET", CLIENT_SECRET);

        RegistryException e = loginFails(identity(env), RegistryProxy.direct());

        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(e.getMessage()).isEqualTo("Azure AD token (client secret) from " + aad.hostAndPort()
                + ": refused (HTTP 401 invalid_client AADSTS7000215); check AZURE_TENANT_ID, AZURE_CLIENT_ID and "
                + "AZURE_CLIENT_SECRET");
        assertNoSecretIn(e);
        assertThat(acr.requests()).as("no exchange without a token").isEmpty();
    }

    @Test
    void azureAdRefusingTheAssertionIsUnauthorizedWithoutQuotingIt() {
        aad.reply(r -> Reply.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS70021: No "
                + "matching federated identity record found. " + BODY_MARKER + "\",\"error_codes\":[70021]}"));

        RegistryException e = loginFails(identity(workloadEnv()), RegistryProxy.direct());

        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(e.getMessage()).startsWith("Azure AD token (workload identity) from " + aad.hostAndPort())
                .contains("HTTP 400 invalid_grant AADSTS70021").contains("federated credential");
        assertNoSecretIn(e);
    }

    @Test
    void azureAdFailingIsUnavailable() {
        aad.reply(r -> Reply.json(503, "{\"error\":\"temporarily_unavailable\"}"));

        RegistryException e = loginFails(identity(workloadEnv()), RegistryProxy.direct());

        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("HTTP 503 temporarily_unavailable").contains("the next attempt asks again");
    }

    @Test
    void registryRefusingTheExchangeIsUnauthorized() {
        aad.reply(r -> tokenLikeAzureAd(r, "client_assertion", Files.readString(tokenFile)));
        acr.reply(r -> Reply.json(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"" + BODY_MARKER + "\"}]}"));

        RegistryException e = loginFails(identity(workloadEnv()), RegistryProxy.direct());

        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(e.getMessage()).isEqualTo("ACR token exchange at " + REGISTRY
                + ": refused (HTTP 401); grant the identity the AcrPull role on the registry");
        assertNoSecretIn(e);
    }

    @ParameterizedTest
    @ValueSource(strings = { "opaque-refresh-token-must-not-leak", "JWT_WITHOUT_EXP", "JWT_WITH_TEXT_EXP",
            "JWT_WITH_BROKEN_PAYLOAD" })
    void refreshTokenWhoseExpiryCannotBeReadIsRefused(String kind) {
        String refreshToken = switch (kind) {
            case "JWT_WITHOUT_EXP" -> jwt("{\"tenant\":\"must-not-leak\"}");
            case "JWT_WITH_TEXT_EXP" -> jwt("{\"exp\":\"tomorrow-must-not-leak\"}");
            case "JWT_WITH_BROKEN_PAYLOAD" -> "eyJhbGciOiJSUzI1NiJ9.!!!must-not-leak.c2ln";
            default -> kind;
        };
        aad.reply(r -> tokenLikeAzureAd(r, "client_assertion", Files.readString(tokenFile)));
        acr.reply(r -> Reply.json(200, "{\"refresh_token\":\"" + refreshToken + "\"}"));

        RegistryException e = loginFails(identity(workloadEnv()), RegistryProxy.direct());

        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.getMessage()).isEqualTo("ACR token exchange at " + REGISTRY + ": the refresh token is not a JWT "
                + "with a numeric exp claim, so when it expires is unknown; refused it, the next attempt asks again");
        assertThat(e.getMessage()).doesNotContain("must-not-leak");
    }

    @Test
    void nothingConfiguredAndNoImdsIsUnauthorizedSayingWhatToConfigure() throws IOException {
        URI closed = URI.create("http://127.0.0.1:" + closedPort() + "/metadata/identity/oauth2/token");
        AzureAcrIdentity identity = new AzureAcrIdentity(Map.of(), URI.create(aad.base() + "/"), closed,
                registry -> URI.create(acr.base()), true);

        RegistryException e = loginFails(identity, RegistryProxy.direct());

        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(e.getMessage()).startsWith("Azure managed identity token from IMDS 127.0.0.1:")
                .contains("not reachable; no Azure identity found; configure one of: a client secret (AZURE_TENANT_ID, "
                        + "AZURE_CLIENT_ID, AZURE_CLIENT_SECRET), workload identity (AZURE_CLIENT_ID, AZURE_TENANT_ID, "
                        + "AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST");
        assertThat(aad.requests()).isEmpty();
        assertThat(acr.requests()).isEmpty();
    }

    @Test
    void certificateCredentialFailsClosedInsteadOfFallingBackToAnotherIdentity() {
        imds.reply(AzureAcrIdentityTest::tokenLikeImds);
        Map<String, String> env = workloadEnv();
        env.put("AZURE_CLIENT_CERTIFICATE_PATH", dir.resolve("cert.pem").toString());

        RegistryException e = loginFails(identity(env), RegistryProxy.direct());

        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(e.getMessage()).contains("a client certificate (AZURE_CLIENT_CERTIFICATE_PATH)")
                .contains("does not support");
        assertThat(aad.requests()).isEmpty();
        assertThat(imds.requests()).isEmpty();
    }

    @Test
    void customCloudEnvironmentFileIsRefusedBeforeAnyRequest() {
        Map<String, String> env = workloadEnv();
        env.put("AZURE_ENVIRONMENT_FILEPATH", "/etc/kubernetes/akscustom.json");

        RegistryException e = loginFails(identity(env), RegistryProxy.direct());

        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(e.getMessage()).contains("AZURE_ENVIRONMENT_FILEPATH").contains("custom Azure clouds are not supported");
        assertThat(aad.requests()).isEmpty();
        assertThat(imds.requests()).isEmpty();
    }

    @Test
    void plainHttpAuthorityIsRefusedOutsideTheTestSeam() {
        aad.reply(r -> tokenLikeAzureAd(r, "client_secret", CLIENT_SECRET));
        Map<String, String> env = workloadEnv();
        env.put("AZURE_CLIENT_SECRET", CLIENT_SECRET);
        AzureAcrIdentity production = new AzureAcrIdentity(env, AzureAcrIdentity.PUBLIC_CLOUD_AUTHORITY,
                AzureAcrIdentity.IMDS_TOKEN_ENDPOINT, registry -> URI.create("https://" + registry), false);

        RegistryException e = loginFails(production, RegistryProxy.direct());

        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(e.getMessage()).contains("refusing http://" + aad.hostAndPort())
                .contains("AZURE_AUTHORITY_HOST must be reached over https");
        assertThat(aad.requests()).as("the secret never went out in clear").isEmpty();
    }

    @Test
    void silentAzureAdTimesOutAtTheDeadline() {
        try (StallingServer silent = StallingServer.silent()) {
            Map<String, String> env = workloadEnv();
            env.put("AZURE_AUTHORITY_HOST", "http://127.0.0.1:" + silent.port() + "/");
            Duration budget = Duration.ofMillis(800);

            long start = System.nanoTime();
            RegistryException e = loginFails(identity(env), RegistryProxy.direct(), Deadline.after(budget));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e.getMessage()).startsWith("Azure AD token (workload identity) from 127.0.0.1:" + silent.port());
            assertThat(elapsed).isGreaterThanOrEqualTo(budget.minusMillis(50)).isLessThan(budget.plusSeconds(2));
            assertThat(silent.accepted()).isEqualTo(1);
        }
    }

    @Test
    void trickledExchangeAnswerTimesOutAtTheDeadline() throws IOException {
        aad.reply(r -> tokenLikeAzureAd(r, "client_assertion", Files.readString(tokenFile)));
        try (StallingServer trickling = StallingServer.trickling()) {
            AzureAcrIdentity identity = new AzureAcrIdentity(workloadEnv(), URI.create(aad.base() + "/"),
                    URI.create(imds.base()), registry -> URI.create("http://127.0.0.1:" + trickling.port()), true);
            Duration budget = Duration.ofMillis(800);

            long start = System.nanoTime();
            RegistryException e = loginFails(identity, RegistryProxy.direct(), Deadline.after(budget));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e.getMessage()).startsWith("ACR token exchange at " + REGISTRY);
            // The server trickles forever: any end is the deadline's; room for a loaded machine.
            assertThat(elapsed).isLessThan(budget.plusSeconds(10));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void answerOverOneMebibyteIsRefused(boolean announcedLength) {
        byte[] huge = new byte[AzureHttp.MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        aad.reply(r -> new Reply(200, Map.of("Content-Type", "application/json"), huge, !announcedLength));

        RegistryException e = loginFails(identity(workloadEnv()), RegistryProxy.direct());

        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.getMessage()).isEqualTo("Azure AD token (workload identity) from " + aad.hostAndPort()
                + ": refused an answer over 1 MiB, which is no token answer");
        assertThat(acr.requests()).isEmpty();
    }

    @Test
    void azureAdAndExchangeGoThroughTheProxyWithItsLoginAndImdsNever() throws Exception {
        aad.reply(r -> tokenLikeAzureAd(r, "client_assertion", Files.readString(tokenFile)));
        imds.reply(AzureAcrIdentityTest::tokenLikeImds);
        try (RecordingProxy proxy = RecordingProxy.withLogin("corp", "proxy-pass").route("127.0.0.1")) {
            // Every request of the source through the proxy (proxySecretRef), loopback included.
            RegistryProxy proxies = RegistryProxy.forSource("http://" + proxy.address(), "corp", "proxy-pass",
                    "the source's proxySecretRef");

            identity(workloadEnv()).login(REGISTRY, REGISTRY, proxies, deadline());
            assertThat(proxy.seen()).containsExactly(
                    new RecordingProxy.Seen("POST http://" + aad.hostAndPort() + "/" + TENANT + "/oauth2/v2.0/token HTTP/1.1",
                            "corp:proxy-pass"),
                    new RecordingProxy.Seen("POST http://" + acr.hostAndPort() + "/oauth2/exchange?api-version=2021-07-01 "
                            + "HTTP/1.1", "corp:proxy-pass"));

            identity(Map.of()).login(REGISTRY, REGISTRY, proxies, deadline());
            assertThat(proxy.seen()).hasSize(3).noneMatch(s -> s.requestLine().contains(imds.hostAndPort()));
            assertThat(imds.only().header("Proxy-Authorization")).as("the proxy's login never reaches IMDS").isNull();
            assertThat(proxy.seen().get(2).requestLine()).startsWith("POST http://" + acr.hostAndPort() + "/oauth2/exchange");
        }
    }

    // ---- fixtures ----

    private AzureAcrIdentity identity(Map<String, String> env) {
        return new AzureAcrIdentity(env, URI.create(aad.base() + "/"),
                URI.create(imds.base() + "/metadata/identity/oauth2/token"), registry -> URI.create(acr.base()), true);
    }

    private Map<String, String> workloadEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("AZURE_CLIENT_ID", CLIENT_ID);
        env.put("AZURE_TENANT_ID", TENANT);
        env.put("AZURE_FEDERATED_TOKEN_FILE", tokenFile.toString());
        env.put("AZURE_AUTHORITY_HOST", aad.base() + "/");
        return env;
    }

    private static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(20));
    }

    private static RegistryException loginFails(AzureAcrIdentity identity, RegistryProxy proxies) {
        return loginFails(identity, proxies, deadline());
    }

    private static RegistryException loginFails(AzureAcrIdentity identity, RegistryProxy proxies, Deadline deadline) {
        List<RegistryException> thrown = new ArrayList<>();
        assertThatThrownBy(() -> identity.login(REGISTRY, REGISTRY, proxies, deadline))
                .isInstanceOfSatisfying(RegistryException.class, thrown::add);
        return thrown.get(0);
    }

    /** Neither the message nor any cause's names a credential, a token or the answer's text. */
    private static void assertNoSecretIn(RegistryException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(CLIENT_SECRET, AAD_TOKEN, IMDS_TOKEN, REFRESH_TOKEN,
                    BODY_MARKER, serviceAccountToken("first"), serviceAccountToken("rotated"));
        }
    }

    private static String serviceAccountToken(String generation) {
        return jwt("{\"iss\":\"https://oidc.aks\",\"sub\":\"system:serviceaccount:fleetwarden:fleetwarden\","
                + "\"aud\":[\"api://AzureADTokenExchange\"],\"jti\":\"sa-token-" + generation + "\"}");
    }

    private static String jwt(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString("not-a-real-signature".getBytes(StandardCharsets.UTF_8));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Azure AD's v2 token endpoint for one app registration: the tenant in the path, the client-credentials grant for
     * ACR's scope, and the expected credential ({@code client_secret}, or {@code client_assertion} with its type);
     * anything else is refused as Azure AD refuses it.
     */
    private static Reply tokenLikeAzureAd(FakeEndpoint.Request r, String credential, String expected) {
        Map<String, String> form = r.form();
        boolean assertion = credential.equals("client_assertion");
        boolean ok = r.method().equals("POST") && r.path().equals("/" + TENANT + "/oauth2/v2.0/token")
                && "application/x-www-form-urlencoded".equals(r.contentType())
                && CLIENT_ID.equals(form.get("client_id"))
                && "https://containerregistry.azure.net/.default".equals(form.get("scope"))
                && "client_credentials".equals(form.get("grant_type"))
                && expected.equals(form.get(credential))
                && (!assertion || "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(
                        form.get("client_assertion_type")));
        return ok ? Reply.json(200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"" + AAD_TOKEN + "\"}")
                : Reply.json(401, "{\"error\":\"invalid_client\",\"error_codes\":[7000215]}");
    }

    /** IMDS: GET with {@code Metadata: true} and a resource, else 400 as IMDS answers. */
    private static Reply tokenLikeImds(FakeEndpoint.Request r) {
        boolean ok = r.method().equals("GET") && "true".equals(r.header("Metadata"))
                && "2018-02-01".equals(r.queryParameters().get("api-version"))
                && "https://containerregistry.azure.net".equals(r.queryParameters().get("resource"));
        return ok ? Reply.json(200, "{\"access_token\":\"" + IMDS_TOKEN + "\",\"expires_in\":\"86399\","
                + "\"resource\":\"https://containerregistry.azure.net\",\"token_type\":\"Bearer\"}")
                : Reply.json(400, "{\"error\":\"invalid_request\",\"error_description\":\"Required metadata header not specified\"}");
    }

    /** ACR's exchange: an access_token grant for this registry's service, answered with a refresh token. */
    private static Reply exchangeLikeAcr(FakeEndpoint.Request r) {
        Map<String, String> form = r.form();
        boolean ok = r.method().equals("POST") && r.path().equals("/oauth2/exchange")
                && "2021-07-01".equals(r.queryParameters().get("api-version"))
                && "access_token".equals(form.get("grant_type")) && REGISTRY.equals(form.get("service"))
                && (AAD_TOKEN.equals(form.get("access_token")) || IMDS_TOKEN.equals(form.get("access_token")));
        return ok ? Reply.json(200, "{\"refresh_token\":\"" + REFRESH_TOKEN + "\"}") : Reply.json(401, "{}");
    }

    /** An answer; {@code chunked} sends no Content-Length. */
    private record Reply(int status, Map<String, String> headers, byte[] body, boolean chunked) {
        static Reply json(int status, String body) {
            return new Reply(status, Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8),
                    false);
        }
    }

    @FunctionalInterface
    private interface Responder {
        Reply answer(FakeEndpoint.Request request) throws IOException;
    }

    /** A loopback HTTP endpoint that records each request (headers and form) and answers with the test's responder. */
    private static final class FakeEndpoint implements AutoCloseable {

        record Request(String method, String path, String query, Map<String, String> headers, String body) {
            String header(String name) {
                return headers.get(name.toLowerCase(java.util.Locale.ROOT));
            }

            String contentType() {
                return header("Content-Type");
            }

            Map<String, String> form() {
                return decode(body);
            }

            Map<String, String> queryParameters() {
                return decode(query);
            }

            private static Map<String, String> decode(String encoded) {
                return FormBody.parse(encoded);
            }
        }

        private final HttpServer server;
        private final List<Request> requests = new CopyOnWriteArrayList<>();
        private volatile Responder responder = r -> Reply.json(500, "{}");

        private FakeEndpoint(HttpServer server) {
            this.server = server;
            server.createContext("/", this::handle);
            server.setExecutor(Executors.newCachedThreadPool(task -> {
                Thread t = new Thread(task, "fake-azure");
                t.setDaemon(true);
                return t;
            }));
            server.start();
        }

        static FakeEndpoint start() throws IOException {
            return new FakeEndpoint(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        }

        void reply(Responder responder) {
            this.responder = responder;
        }

        String hostAndPort() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        String base() {
            return "http://" + hostAndPort();
        }

        List<Request> requests() {
            return List.copyOf(requests);
        }

        Request only() {
            assertThat(requests).hasSize(1);
            return requests.get(0);
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                Map<String, String> headers = new HashMap<>();
                exchange.getRequestHeaders().forEach((name, values) ->
                        headers.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0)));
                Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        exchange.getRequestURI().getRawQuery(), headers,
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                requests.add(request);
                Reply reply = responder.answer(request);
                reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
                exchange.sendResponseHeaders(reply.status(), reply.chunked() ? 0 : reply.body().length == 0 ? -1
                        : reply.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply.body());
                } catch (IOException e) {
                    // the client stopped reading (an answer it refused)
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
