package io.fleetwarden.oci.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryProxy;
import io.fleetwarden.testing.FormBody;
import io.fleetwarden.testing.RecordingProxy;
import io.fleetwarden.testing.StallingServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GCP identity against fake Google endpoints on loopback, with the real google-auth-library doing the work: a
 * token endpoint that checks the JWT-bearer grant as Google does, and a metadata server that insists on
 * {@code Metadata-Flavor: Google} as GKE's does.
 */
class GcpIdentityTest {

    private static final String EMAIL = "fleetwarden@project.iam.gserviceaccount.com";
    private static final String TOKEN = "ya29.fake-access-token";
    private static final String SCOPE = String.join(" ", GcpIdentity.SCOPES);
    private static KeyPair key;

    @TempDir
    Path dir;

    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    /** What each fake endpoint received: method, path with query, Metadata-Flavor, form body. */
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    private record Seen(String method, String pathAndQuery, String flavor, String body) {
    }

    @BeforeAll
    static void generateKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        key = generator.generateKeyPair();
    }

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    @Test
    void serviceAccountKeyIsExchangedForATokenWithBothScopes() throws Exception {
        int port = tokenEndpoint(200, "{\"access_token\":\"" + TOKEN + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
        String tokenUri = "http://127.0.0.1:" + port + "/token";
        Map<String, String> env = env("GOOGLE_APPLICATION_CREDENTIALS", serviceAccountKey(tokenUri).toString());

        Instant before = Instant.now();
        CloudLogin login = identity(env).login("gcp", "europe-docker.pkg.dev", RegistryProxy.direct(), inSeconds(20));

        assertThat(login.username()).isEqualTo("oauth2accesstoken");
        assertThat(login.password()).isEqualTo(TOKEN);
        assertThat(login.expiresAt()).isCloseTo(before.plusSeconds(3599), within(10, ChronoUnit.SECONDS));
        assertThat(seen).hasSize(1);
        Map<String, String> form = form(seen.get(0).body());
        assertThat(form).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        JsonObject claims = verifiedClaims(form.get("assertion"));
        assertThat(claims.get("scope").getAsString()).isEqualTo(SCOPE);
        assertThat(claims.get("iss").getAsString()).isEqualTo(EMAIL);
        // The audience Google's token endpoint requires, whatever URL the key file sends the assertion to.
        assertThat(claims.get("aud").getAsString()).isEqualTo("https://oauth2.googleapis.com/token");
        assertThat(claims.get("exp").getAsLong() - claims.get("iat").getAsLong()).isBetween(1L, 3600L);
    }

    @Test
    void gkeWorkloadIdentityTokenComesFromTheMetadataServer() throws Exception {
        int port = metadataServer(200);
        Map<String, String> env = env("GCE_METADATA_HOST", "127.0.0.1:" + port);

        CloudLogin login = identity(env).login("gcp", "gcr.io", RegistryProxy.direct(), inSeconds(20));

        assertThat(login.username()).isEqualTo("oauth2accesstoken");
        assertThat(login.password()).isEqualTo(TOKEN);
        assertThat(login.expiresAt()).isAfter(Instant.now().plusSeconds(3000));
        assertThat(seen).isNotEmpty().allSatisfy(s -> assertThat(s.flavor()).isEqualTo("Google"));
        Seen token = seen.stream().filter(s -> s.pathAndQuery().contains("/default/token")).findFirst().orElseThrow();
        assertThat(URLDecoder.decode(token.pathAndQuery(), StandardCharsets.UTF_8))
                .contains("scopes=" + String.join(",", GcpIdentity.SCOPES));
    }

    @Test
    void metadataServerIsNeverAskedThroughTheProxy() throws Exception {
        int port = metadataServer(200);
        try (RecordingProxy proxy = RecordingProxy.open().route("127.0.0.1")) {
            // Even a proxy for every request (a proxySecretRef) is not used for the link-local metadata server.
            RegistryProxy every = RegistryProxy.forSource("http://" + proxy.address(), null, null, "test");
            CloudLogin login = identity(env("GCE_METADATA_HOST", "127.0.0.1:" + port))
                    .login("gcp", "gcr.io", every, inSeconds(20));
            assertThat(login.password()).isEqualTo(TOKEN);
            assertThat(proxy.seen()).isEmpty();
        }
    }

    @Test
    void tokenRequestGoesThroughTheProxy() throws Exception {
        int port = tokenEndpoint(200, "{\"access_token\":\"" + TOKEN + "\",\"expires_in\":3599}");
        // A name only the proxy resolves: the login works only if the request went through it.
        String tokenUri = "http://oauth2.corp.test:" + port + "/token";
        try (RecordingProxy proxy = RecordingProxy.open().route("oauth2.corp.test")) {
            Map<String, String> env = env("GOOGLE_APPLICATION_CREDENTIALS", serviceAccountKey(tokenUri).toString());
            CloudLogin login = identity(env).login("gcp", "gcr.io",
                    RegistryProxy.fromEnvironment(Map.of("HTTP_PROXY", proxy.address())), inSeconds(20));
            assertThat(login.password()).isEqualTo(TOKEN);
            assertThat(proxy.seen()).extracting(RecordingProxy.Seen::requestLine)
                    .containsExactly("POST " + tokenUri + " HTTP/1.1");
        }
    }

    @Test
    void invalidGrantIsUnauthorizedAndQuotesNoSecret() throws Exception {
        String body = "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature: secret-detail\"}";
        int port = tokenEndpoint(400, body);
        Path file = serviceAccountKey("http://127.0.0.1:" + port + "/token");

        assertThatThrownBy(() -> identity(env("GOOGLE_APPLICATION_CREDENTIALS", file.toString()))
                .login("gcp", "gcr.io", RegistryProxy.direct(), inSeconds(20)))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains("GCP", "127.0.0.1", "HTTP 400", "invalid_grant")
                            .doesNotContain("secret-detail", "Invalid JWT", form(seen.get(0).body()).get("assertion"),
                                    Base64.getEncoder().encodeToString(key.getPrivate().getEncoded()).substring(0, 40));
                    assertThat(e.getCause()).isNull();
                });
    }

    @Test
    void metadataServerRefusalIsUnauthorizedAndOutageUnavailable() throws Exception {
        int refusing = metadataServer(403);
        assertThatThrownBy(() -> identity(env("GCE_METADATA_HOST", "127.0.0.1:" + refusing))
                .login("gcp", "gcr.io", RegistryProxy.direct(), inSeconds(20)))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains("metadata server", "HTTP 403", "Workload Identity")
                            .doesNotContain("body-of-the-answer");
                });
        int failing = metadataServer(500);
        assertThatThrownBy(() -> identity(env("GCE_METADATA_HOST", "127.0.0.1:" + failing))
                .login("gcp", "gcr.io", RegistryProxy.direct(), inSeconds(20)))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("HTTP 500").doesNotContain("body-of-the-answer");
                });
    }

    @Test
    void noCredentialsAnywhereIsUnauthorizedSayingWhatToConfigure() {
        assertThatThrownBy(() -> new GcpIdentity(Map.of("HOME", dir.toString()), host -> false)
                .login("gcp", "gcr.io", RegistryProxy.direct(), inSeconds(20)))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains("GOOGLE_APPLICATION_CREDENTIALS", "Workload Identity");
                });
    }

    @Test
    void gcloudsWellKnownFileIsUsedWhenNoVariableIsSet() throws Exception {
        int port = tokenEndpoint(200, "{\"access_token\":\"" + TOKEN + "\",\"expires_in\":3599}");
        Path gcloud = Files.createDirectories(dir.resolve(".config/gcloud"));
        Files.writeString(gcloud.resolve("application_default_credentials.json"), "{\"type\":\"authorized_user\","
                + "\"client_id\":\"id\",\"client_secret\":\"s\",\"refresh_token\":\"rt\",\"token_uri\":\"http://127.0.0.1:"
                + port + "/token\"}");
        CloudLogin login = new GcpIdentity(Map.of("HOME", dir.toString()), host -> false)
                .login("gcp", "gcr.io", RegistryProxy.direct(), inSeconds(20));
        assertThat(login.password()).isEqualTo(TOKEN);
        assertThat(form(seen.get(0).body())).containsEntry("grant_type", "refresh_token").containsEntry("refresh_token", "rt");
    }

    @Test
    void unusableCredentialsFileIsUnauthorizedWithoutQuotingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("creds.json"), "{\"type\":\"service_account\",\"private_key\":\"not-a-key-123\"}");
        assertThatThrownBy(() -> identity(env("GOOGLE_APPLICATION_CREDENTIALS", file.toString()))
                .login("gcp", "gcr.io", RegistryProxy.direct(), inSeconds(20)))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains(file.toString(), "service_account").doesNotContain("not-a-key-123");
                });
    }

    @Test
    void tokenEndpointThatNeverFinishesTimesOutAtTheDeadline() throws Exception {
        try (StallingServer stalling = StallingServer.trickling()) {
            Path file = serviceAccountKey("http://127.0.0.1:" + stalling.port() + "/token");
            long start = System.nanoTime();
            assertThatThrownBy(() -> identity(env("GOOGLE_APPLICATION_CREDENTIALS", file.toString()))
                    .login("gcp", "gcr.io", RegistryProxy.direct(), Deadline.after(Duration.ofMillis(1500))))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.kind()).isEqualTo(RegistryException.Kind.TIMEOUT);
                        assertThat(e.getMessage()).contains("GCP", "127.0.0.1");
                    });
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            // The server trickles forever, so any end at all is the deadline's; the upper bound leaves room for a
            // loaded machine (a cold google-auth-library takes seconds there) and still fails a deadline not kept.
            assertThat(elapsed).isBetween(Duration.ofMillis(1400), Duration.ofSeconds(15));
            assertThat(stalling.accepted()).isEqualTo(1);
        }
    }

    @Test
    void unreachableMetadataServerIsUnavailable() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        assertThatThrownBy(() -> identity(env("GCE_METADATA_HOST", "127.0.0.1:" + closed))
                .login("gcp", "gcr.io", RegistryProxy.direct(), inSeconds(20)))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("metadata server", "127.0.0.1", "cannot be reached");
                });
    }

    @Test
    void everyLoginAsksAfresh() throws Exception {
        int port = metadataServer(200);
        GcpIdentity identity = identity(env("GCE_METADATA_HOST", "127.0.0.1:" + port));
        identity.login("gcp", "gcr.io", RegistryProxy.direct(), inSeconds(20));
        identity.login("gcp", "gcr.io", RegistryProxy.direct(), inSeconds(20));
        assertThat(seen).filteredOn(s -> s.pathAndQuery().contains("/default/token")).hasSize(2);
    }

    // --- fixtures

    /** An identity whose only credentials are in {@code env}: no gcloud file, no metadata server by name. */
    private GcpIdentity identity(Map<String, String> env) {
        return new GcpIdentity(env, host -> false);
    }

    private Map<String, String> env(String name, String value) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.toString());
        env.put(name, value);
        return env;
    }

    private static Deadline inSeconds(int seconds) {
        return Deadline.after(Duration.ofSeconds(seconds));
    }

    private Path serviceAccountKey(String tokenUri) throws IOException {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        JsonObject json = new JsonObject();
        json.addProperty("type", "service_account");
        json.addProperty("project_id", "project");
        json.addProperty("private_key_id", "key-1");
        json.addProperty("private_key", pem);
        json.addProperty("client_email", EMAIL);
        json.addProperty("client_id", "1234567890");
        json.addProperty("token_uri", tokenUri);
        return Files.writeString(dir.resolve("key.json"), json.toString());
    }

    /** A token endpoint answering every POST with {@code status} and {@code body}. */
    private int tokenEndpoint(int status, String body) throws IOException {
        return serve(exchange -> {
            if (!exchange.getRequestMethod().equals("POST")) {
                return reply(exchange, 405, "{}");
            }
            return reply(exchange, status, body);
        });
    }

    /**
     * A metadata server as GKE's: 403 without {@code Metadata-Flavor: Google}; else the default service account and
     * its token, or {@code status} with a body that must not reach a message.
     */
    private int metadataServer(int status) throws IOException {
        return serve(exchange -> {
            if (!"Google".equals(exchange.getRequestHeaders().getFirst("Metadata-Flavor"))) {
                return reply(exchange, 403, "Missing Metadata-Flavor:Google header");
            }
            String path = exchange.getRequestURI().getPath();
            if (status != 200) {
                return reply(exchange, status, "body-of-the-answer");
            }
            if (path.equals("/computeMetadata/v1/instance/service-accounts/")) {
                return reply(exchange, 200, "{\"default\":{\"email\":\"" + EMAIL + "\"}}");
            }
            if (path.equals("/computeMetadata/v1/instance/service-accounts/default/token")) {
                return reply(exchange, 200, "{\"access_token\":\"" + TOKEN + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
            }
            return reply(exchange, 404, "not found");
        });
    }

    @FunctionalInterface
    private interface Handler {
        Void handle(HttpExchange exchange) throws IOException;
    }

    private int serve(Handler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        exchange.getRequestHeaders().getFirst("Metadata-Flavor"), body));
                handler.handle(exchange);
            }
        });
        server.start();
        servers.add(server);
        return server.getAddress().getPort();
    }

    private static Void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Metadata-Flavor", "Google");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        return null;
    }

    private static Map<String, String> form(String body) {
        return FormBody.parse(body);
    }

    /** The JWT's claims, after checking its RS256 signature with the key's public half, as Google does. */
    private static JsonObject verifiedClaims(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        JsonObject header = JsonParser.parseString(new String(Base64.getUrlDecoder().decode(parts[0]),
                StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(header.get("alg").getAsString()).isEqualTo("RS256");
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(key.getPublic());
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).as("assertion signed by the key").isTrue();
        return JsonParser.parseString(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
                .getAsJsonObject();
    }
}
