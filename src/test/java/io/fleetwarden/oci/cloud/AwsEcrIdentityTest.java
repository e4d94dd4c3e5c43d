package io.fleetwarden.oci.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.oci.RegistryProxy;
import io.fleetwarden.testing.LoopbackPorts;
import io.fleetwarden.testing.FormBody;
import io.fleetwarden.testing.RecordingProxy;
import io.fleetwarden.testing.StallingServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real SDK code against fake STS and ECR endpoints on loopback, which check what AWS checks of each request (the
 * operation, the SigV4 credential scope and key, the session token, the web identity and role) and answer as AWS does.
 */
class AwsEcrIdentityTest {

    private static final String REGION = "eu-west-1";
    private static final String REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    private static final String KEY_ID = "AKIASTATICKEY0000001";
    private static final String SECRET = "static-secret-never-in-a-message";
    private static final Instant EXPIRES = Instant.parse("2030-01-02T03:04:05Z");
    private static final String ECR_TARGET = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken";

    @TempDir
    Path home;

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** One request as a fake endpoint received it. */
    record Seen(String host, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    /** A fake AWS endpoint: records every request and answers with a fixed status, type and body. */
    final class FakeAws implements AutoCloseable {
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        FakeAws(int status, String contentType, String body) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    Map<String, String> headers = new HashMap<>();
                    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
                    String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    seen.add(new Seen(headers.get("host"), headers, request));
                    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", contentType);
                    exchange.sendResponseHeaders(status, bytes.length);
                    exchange.getResponseBody().write(bytes);
                }
            });
            server.start();
            open.add(this);
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private FakeAws ecrAnswering(String token, Instant expiresAt) throws IOException {
        String data = "{\"authorizationData\":[{" + (token == null ? "" : "\"authorizationToken\":\"" + token + "\",")
                + (expiresAt == null ? "" : "\"expiresAt\":" + expiresAt.getEpochSecond() + ",")
                + "\"proxyEndpoint\":\"https://" + REGISTRY + "\"}]}";
        return new FakeAws(200, "application/x-amz-json-1.1", data);
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The environment of a machine with nothing but what a test gives: no profile files, no instance metadata. */
    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("HOME", home.toString(), "AWS_EC2_METADATA_DISABLED", "true"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static Map<String, String> staticKeys() {
        return Map.of("AWS_ACCESS_KEY_ID", KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET);
    }

    private static CloudLogin login(AwsEcrIdentity identity) throws RegistryException {
        return identity.login(REGION, REGISTRY, RegistryProxy.direct(), Deadline.after(Duration.ofSeconds(20)));
    }

    private static final Pattern CREDENTIAL = Pattern.compile(
            "^AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), "
                    + "Signature=[0-9a-f]{64}$");

    /** What AWS checks before it reads an ECR request: the operation, and a SigV4 signature for ECR in the region. */
    private static void assertSignedEcrRequest(Seen request, String accessKeyId) {
        assertThat(request.header("X-Amz-Target")).isEqualTo(ECR_TARGET);
        Matcher m = CREDENTIAL.matcher(request.header("Authorization"));
        assertThat(m.matches()).as("SigV4 Authorization header: %s", request.header("Authorization")).isTrue();
        assertThat(m.group(1)).isEqualTo(accessKeyId);
        assertThat(m.group(2)).isEqualTo(request.header("X-Amz-Date").substring(0, 8));
        assertThat(m.group(3)).isEqualTo(REGION);
        assertThat(m.group(4)).isEqualTo("ecr");
        assertThat(m.group(5).split(";")).contains("host", "x-amz-date", "x-amz-target");
    }

    private static Map<String, String> form(String body) {
        return FormBody.parse(body);
    }

    @Test
    void staticKeysSignGetAuthorizationTokenAndTheTokenBecomesTheLogin() throws Exception {
        FakeAws ecr = ecrAnswering(base64("AWS:ecr-password"), EXPIRES);

        CloudLogin login = login(new AwsEcrIdentity(env("AWS_ACCESS_KEY_ID", KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET),
                ecr.uri(), null));

        assertThat(login).isEqualTo(new CloudLogin("AWS", "ecr-password", EXPIRES));
        assertThat(ecr.seen).hasSize(1);
        assertSignedEcrRequest(ecr.seen.get(0), KEY_ID);
        assertThat(ecr.seen.get(0).header("X-Amz-Security-Token")).isNull();
    }

    @Test
    void irsaAssumesTheRoleWithTheTokenFileAndSignsEcrWithTheTemporaryKeys() throws Exception {
        Path tokenFile = Files.writeString(home.resolve("token"), "eyJ.projected-sa-token.sig\n");
        FakeAws sts = new FakeAws(200, "text/xml", stsCredentials("ASIATEMPORARYKEY0001", "temporary-secret",
                "temporary-session-token"));
        FakeAws ecr = ecrAnswering(base64("AWS:from-irsa"), EXPIRES);
        String role = "arn:aws:iam::123456789012:role/fleetwarden";

        CloudLogin login = login(new AwsEcrIdentity(env("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString(),
                "AWS_ROLE_ARN", role, "AWS_ROLE_SESSION_NAME", "fleetwarden-test"), ecr.uri(), sts.uri()));

        assertThat(login.password()).isEqualTo("from-irsa");
        assertThat(sts.seen).hasSize(1);
        Map<String, String> asked = form(sts.seen.get(0).body());
        assertThat(asked).containsEntry("Action", "AssumeRoleWithWebIdentity").containsEntry("RoleArn", role)
                .containsEntry("WebIdentityToken", "eyJ.projected-sa-token.sig")
                .containsEntry("RoleSessionName", "fleetwarden-test");
        // AssumeRoleWithWebIdentity is unsigned: the token is the proof, and there are no keys yet to sign with.
        assertThat(sts.seen.get(0).header("Authorization")).isNull();
        assertSignedEcrRequest(ecr.seen.get(0), "ASIATEMPORARYKEY0001");
        assertThat(ecr.seen.get(0).header("X-Amz-Security-Token")).isEqualTo("temporary-session-token");
    }

    private static String stsCredentials(String keyId, String secret, String session) {
        return "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>" + keyId + "</AccessKeyId>"
                + "<SecretAccessKey>" + secret + "</SecretAccessKey><SessionToken>" + session + "</SessionToken>"
                + "<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult>"
                + "</AssumeRoleWithWebIdentityResponse>";
    }

    @Test
    void ecrAccessDeniedIsUnauthorizedAndQuotesNeitherSecretNorBody() throws Exception {
        FakeAws ecr = new FakeAws(400, "application/x-amz-json-1.1", "{\"__type\":\"AccessDeniedException\","
                + "\"message\":\"User arn:aws:sts::123456789012:assumed-role/x is not authorized body-text\"}");

        assertThatThrownBy(() -> login(new AwsEcrIdentity(env(flat(staticKeys())), ecr.uri(), null)))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains("ECR GetAuthorizationToken in eu-west-1", "127.0.0.1",
                                    "HTTP 400 AccessDeniedException")
                            .doesNotContain(SECRET, KEY_ID, "body-text");
                });
    }

    @Test
    void irsaTokenRejectedByStsIsUnauthorizedWithoutTheToken() throws Exception {
        Path tokenFile = Files.writeString(home.resolve("token"), "rejected-web-identity-token");
        FakeAws sts = new FakeAws(400, "text/xml", "<ErrorResponse><Error><Type>Sender</Type>"
                + "<Code>InvalidIdentityToken</Code><Message>token rejected-web-identity-token bad</Message></Error>"
                + "</ErrorResponse>");
        FakeAws ecr = ecrAnswering(base64("AWS:never"), EXPIRES);

        assertThatThrownBy(() -> login(new AwsEcrIdentity(env("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString(),
                "AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r"), ecr.uri(), sts.uri())))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains("STS AssumeRoleWithWebIdentity in eu-west-1",
                            "InvalidIdentityToken").doesNotContain("rejected-web-identity-token");
                });
        assertThat(ecr.seen).isEmpty();
    }

    @Test
    void irsaTokenFileOver64KiBIsRefusedBeforeStsIsAsked() throws Exception {
        Path tokenFile = Files.writeString(home.resolve("token"), "x".repeat(64 * 1024 + 1));
        FakeAws sts = new FakeAws(200, "text/xml", stsCredentials("ASIA", "s", "t"));

        assertThatThrownBy(() -> login(new AwsEcrIdentity(env("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString(),
                "AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r"), nothingListening(), sts.uri())))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains("over 65536 bytes");
                });
        assertThat(sts.seen).isEmpty();
    }

    @Test
    void tokenNotBase64IsFluxsParseFailure() throws Exception {
        assertMalformed(ecrAnswering("not*base64!", EXPIRES), "failed to parse authorization token");
    }

    @Test
    void tokenWithoutColonIsFluxsInvalidFormat() throws Exception {
        assertMalformed(ecrAnswering(base64("AWSwithoutcolon"), EXPIRES), "invalid authorization token format");
    }

    @Test
    void tokenWithTwoColonsIsFluxsInvalidFormat() throws Exception {
        assertMalformed(ecrAnswering(base64("AWS:pass:word"), EXPIRES), "invalid authorization token format");
    }

    @Test
    void tokenWithoutExpiryIsFluxsNilExpiration() throws Exception {
        assertMalformed(ecrAnswering(base64("AWS:p"), null), "authorization token expiration is nil");
    }

    @Test
    void answerWithoutTokenIsFluxsNilToken() throws Exception {
        assertMalformed(ecrAnswering(null, EXPIRES), "authorization token is nil");
    }

    @Test
    void answerWithoutAuthorizationDataIsFluxsNoData() throws Exception {
        assertMalformed(new FakeAws(200, "application/x-amz-json-1.1", "{\"authorizationData\":[]}"),
                "no authorization data returned");
    }

    private void assertMalformed(FakeAws ecr, String fluxWords) {
        assertThatThrownBy(() -> login(new AwsEcrIdentity(env(flat(staticKeys())), ecr.uri(), null)))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("ECR GetAuthorizationToken in eu-west-1", fluxWords)
                            .doesNotContain(SECRET);
                });
        assertThat(ecr.seen).hasSize(1);
    }

    @Test
    void noIdentityAnywhereIsUnauthorizedAndSaysWhatToConfigure() throws Exception {
        FakeAws ecr = ecrAnswering(base64("AWS:never"), EXPIRES);

        assertThatThrownBy(() -> login(new AwsEcrIdentity(env(), ecr.uri(), null)))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains("no AWS identity is configured", "IRSA", "AWS_ROLE_ARN",
                            "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ACCESS_KEY_ID");
                });
        assertThat(ecr.seen).isEmpty();
    }

    @Test
    void accessKeyWithoutSecretIsRefusedRatherThanFallingThrough() {
        assertThatThrownBy(() -> login(new AwsEcrIdentity(env("AWS_ACCESS_KEY_ID", KEY_ID), nothingListening(),
                null))).isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains("AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY");
                });
    }

    @Test
    void profileKeysFromTheSharedCredentialsFileSignTheRequest() throws Exception {
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/credentials"), "[default]\naws_access_key_id = AKIAPROFILEKEY000001\n"
                + "aws_secret_access_key = profile-secret\n");
        FakeAws ecr = ecrAnswering(base64("AWS:from-profile"), EXPIRES);

        assertThat(login(new AwsEcrIdentity(env(), ecr.uri(), null)).password()).isEqualTo("from-profile");
        assertSignedEcrRequest(ecr.seen.get(0), "AKIAPROFILEKEY000001");
    }

    /** As aws-sdk-go-v2's chain: keys in the environment come before the profile the environment names. */
    @Test
    void environmentKeysWinOverTheNamedProfile() throws Exception {
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/credentials"), "[ci]\naws_access_key_id = AKIAPROFILEKEY000001\n"
                + "aws_secret_access_key = profile-secret\n");
        FakeAws ecr = ecrAnswering(base64("AWS:from-env"), EXPIRES);

        login(new AwsEcrIdentity(env("AWS_PROFILE", "ci", "AWS_ACCESS_KEY_ID", KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET),
                ecr.uri(), null));
        assertSignedEcrRequest(ecr.seen.get(0), KEY_ID);
    }

    @Test
    void profileThatAssumesARoleIsRefusedNotFollowedAroundTheProxy() throws Exception {
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/config"), "[profile ci]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
                + "source_profile = default\n");

        assertThatThrownBy(() -> login(new AwsEcrIdentity(env("AWS_PROFILE", "ci"), nothingListening(), null)))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains("profile \"ci\" sets role_arn");
                });
    }

    @Test
    void ecrThatNeverAnswersIsTimeoutAtTheDeadline() throws Exception {
        StallingServer stalling = StallingServer.silent();
        open.add(stalling);
        Duration budget = Duration.ofMillis(1500);
        AwsEcrIdentity identity = new AwsEcrIdentity(env(flat(staticKeys())),
                URI.create("http://127.0.0.1:" + stalling.port()), null);

        long start = System.nanoTime();
        assertThatThrownBy(() -> identity.login(REGION, REGISTRY, RegistryProxy.direct(), Deadline.after(budget)))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(stalling.accepted()).isPositive();
        assertThat(elapsed).isGreaterThanOrEqualTo(budget.minusMillis(200)).isLessThan(budget.plusSeconds(1));
    }

    @Test
    void spentDeadlineIsTimeoutBeforeAnyCall() throws Exception {
        FakeAws ecr = ecrAnswering(base64("AWS:never"), EXPIRES);
        AwsEcrIdentity identity = new AwsEcrIdentity(env(flat(staticKeys())), ecr.uri(), null);

        assertThatThrownBy(() -> identity.login(REGION, REGISTRY, RegistryProxy.direct(), Deadline.after(Duration.ZERO)))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
        assertThat(ecr.seen).isEmpty();
    }

    @Test
    void ecrPortWithNothingListeningIsUnavailable() throws Exception {
        URI closed = nothingListening();

        assertThatThrownBy(() -> login(new AwsEcrIdentity(env(flat(staticKeys())), closed, null)))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("ECR GetAuthorizationToken in eu-west-1", "127.0.0.1",
                            "ConnectException");
                });
    }

    @Test
    void stsAndEcrGoThroughTheEnvironmentsProxyUnderNamesOnlyItResolves() throws Exception {
        Path tokenFile = Files.writeString(home.resolve("token"), "proxied-token");
        FakeAws sts = new FakeAws(200, "text/xml", stsCredentials("ASIAPROXIEDKEY000001", "s", "session"));
        FakeAws ecr = ecrAnswering(base64("AWS:via-proxy"), EXPIRES);
        try (RecordingProxy proxy = RecordingProxy.open().route("sts.corp.test").route("ecr.corp.test")) {
            RegistryProxy proxies = RegistryProxy.fromEnvironment(Map.of("HTTP_PROXY", proxy.address(),
                    "HTTPS_PROXY", proxy.address()));
            AwsEcrIdentity identity = new AwsEcrIdentity(env("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString(),
                    "AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r"),
                    URI.create("http://ecr.corp.test:" + ecr.port()), URI.create("http://sts.corp.test:" + sts.port()));

            CloudLogin login = identity.login(REGION, REGISTRY, proxies, Deadline.after(Duration.ofSeconds(20)));

            assertThat(login.password()).isEqualTo("via-proxy");
            // Absolute-form requests, as a client sends through an http proxy (the SDK asks STS for an empty path).
            assertThat(proxy.seen()).extracting(RecordingProxy.Seen::requestLine).satisfiesExactly(
                    line -> assertThat(line).matches("POST http://sts\\.corp\\.test:" + sts.port() + "/? HTTP/1\\.1"),
                    line -> assertThat(line).isEqualTo("POST http://ecr.corp.test:" + ecr.port() + "/ HTTP/1.1"));
            assertThat(sts.seen.get(0).host()).isEqualTo("sts.corp.test:" + sts.port());
            assertSignedEcrRequest(ecr.seen.get(0), "ASIAPROXIEDKEY000001");
        }
    }

    /** A loopback port nothing listens on (free when asked). */
    private static URI nothingListening() throws IOException {
        return URI.create("http://127.0.0.1:" + LoopbackPorts.free());
    }

    private static String[] flat(Map<String, String> map) {
        return map.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
                .toArray(String[]::new);
    }
}
