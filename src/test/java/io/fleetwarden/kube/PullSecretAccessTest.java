package io.fleetwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.gate.DecisionCache;
import io.fleetwarden.gate.GateDecision;
import io.fleetwarden.gate.KubernetesApiUnavailable;
import io.fleetwarden.source.HelmChartSource;
import io.fleetwarden.source.OciSource;
import io.fleetwarden.gate.OciSourceGate;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.policy.PolicyDocuments;
import io.fleetwarden.testing.LoopbackHttpServer;
import io.fleetwarden.verify.cosign.CosignSignatureVerifier;
import io.fleetwarden.verify.cosign.TrustedRoots;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryClientConfig;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.testing.MockApiServer;
import io.fleetwarden.testing.OciPublisher;
import io.fleetwarden.testing.StallingServer;
import io.fleetwarden.testing.TestRegistry;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pull-secret lookup against the fabric8 mock API server (CRUD mode) and a real Distribution registry with
 * htpasswd auth, so "the credentials were used" is proven by the registry letting the client in.
 */
class PullSecretAccessTest {

    private static final String NS = "frontend";
    private static final String USER = "robot";
    private static final String PASSWORD = "pw-" + Long.toHexString(new SecureRandom().nextLong());
    private static final String WRONG = "wrong-" + Long.toHexString(new SecureRandom().nextLong());

    private static TestRegistry registry;
    private static Digest pushed;

    private MockApiServer api;
    private KubernetesClient kube;
    private PullSecretAccess access;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = TestRegistry.startWithLogin(USER, PASSWORD);
        try (OciPublisher publisher = new OciPublisher(registry.host(), USER, PASSWORD)) {
            pushed = publisher.pushArtifact("private/app", "v1",
                    Map.of("a.yaml", "a: 1".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @BeforeEach
    void startApi() {
        api = MockApiServer.start();
        kube = api.client();
        access = new PullSecretAccess(kube, RegistryClientConfig.defaults());
    }

    @AfterEach
    void stopApi() {
        access.close();
        kube.close();
        api.close();
    }

    @Test
    void theSecretRefCredentialsReachThePrivateArtifact() throws Exception {
        createPullSecret("creds", PASSWORD);
        RegistryClient client = access.forSource(source("{\"secretRef\":{\"name\":\"creds\"}}"), deadline());
        assertThat(client.resolve(ref(), deadline()).digest()).isEqualTo(pushed);
    }

    @Test
    void aLegacyDockercfgServiceAccountPullSecretWorksToo() throws Exception {
        // kubernetes.io/dockercfg: the logins at the top level, no "auths" (still valid for imagePullSecrets).
        kube.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("legacy").endMetadata()
                .withType("kubernetes.io/dockercfg").withData(Map.of(".dockercfg", b64("{\"" + registry.host()
                        + "\":{\"auth\":\"" + b64(USER + ":" + PASSWORD) + "\"}}"))).build()).create();
        createServiceAccount("legacy-puller", "legacy");

        RegistryClient client = access.forSource(source("{\"serviceAccountName\":\"legacy-puller\"}"), deadline());

        assertThat(client.resolve(ref(), deadline()).digest()).isEqualTo(pushed);
    }

    @Test
    void withoutCredentialsTheSharedAnonymousClientIsRefused() throws Exception {
        RegistryClient first = access.forSource(source(""), deadline());
        assertThat(access.forSource(source(""), deadline())).isSameAs(first);
        assertThatThrownBy(() -> first.resolve(ref(), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, kind(Kind.UNAUTHORIZED))
                .hasMessage("resolve " + ref() + ": the registry requires a login (Basic) and none is configured for "
                        + registry.host());
    }

    @Test
    void theServiceAccountsImagePullSecretsAreUsed() throws Exception {
        createPullSecret("sa-creds", PASSWORD);
        createServiceAccount("puller", "sa-creds");
        RegistryClient client = access.forSource(source("{\"serviceAccountName\":\"puller\"}"), deadline());
        assertThat(client.resolve(ref(), deadline()).digest()).isEqualTo(pushed);
    }

    @Test
    void aServiceAccountWithoutPullSecretsIsAnonymous() throws Exception {
        createServiceAccount("plain");
        RegistryClient client = access.forSource(source("{\"serviceAccountName\":\"plain\"}"), deadline());
        assertThat(client).isSameAs(access.forSource(source(""), deadline()));
        assertThatThrownBy(() -> client.resolve(ref(), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, kind(Kind.UNAUTHORIZED));
    }

    /** source-controller fails the pull when the service account is missing; anonymous access would hide that. */
    @Test
    void aMissingServiceAccountIsAnError() throws Exception {
        assertThatThrownBy(() -> access.forSource(source("{\"serviceAccountName\":\"ghost\"}"), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, kind(Kind.UNAUTHORIZED))
                .hasMessage("service account frontend/ghost does not exist");
    }

    @Test
    void aMissingPullSecretOfTheServiceAccountIsAnError() throws Exception {
        createServiceAccount("puller", "gone");
        assertThatThrownBy(() -> access.forSource(source("{\"serviceAccountName\":\"puller\"}"), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, kind(Kind.UNAUTHORIZED))
                .hasMessage("pull secret frontend/gone does not exist");
    }

    /** Like source-controller's keychain, the first secret that has a login for a host wins: secretRef first. */
    @Test
    void theSecretRefWinsOverTheServiceAccountForTheSameRegistry() throws Exception {
        createPullSecret("creds", PASSWORD);
        createPullSecret("sa-creds", WRONG);
        createServiceAccount("puller", "sa-creds");
        RegistryClient client = access.forSource(source("{\"secretRef\":{\"name\":\"creds\"},"
                + "\"serviceAccountName\":\"puller\"}"), deadline());
        assertThat(client.resolve(ref(), deadline()).digest()).isEqualTo(pushed);
    }

    @Test
    void aMissingSecretIsUnauthorized() throws Exception {
        assertThatThrownBy(() -> access.forSource(source("{\"secretRef\":{\"name\":\"nope\"}}"), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, kind(Kind.UNAUTHORIZED))
                .hasMessage("pull secret frontend/nope does not exist");
    }

    @Test
    void aSecretWithoutDockerConfigJsonIsUnauthorized() throws Exception {
        kube.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("opaque").endMetadata()
                .withType("Opaque").addToData("password", b64(PASSWORD)).build()).create();
        assertThatThrownBy(() -> access.forSource(source("{\"secretRef\":{\"name\":\"opaque\"}}"), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, kind(Kind.UNAUTHORIZED))
                .hasMessage("pull secret frontend/opaque has no .dockerconfigjson (or legacy .dockercfg) key")
                .hasMessageNotContaining(PASSWORD).hasMessageNotContaining(b64(PASSWORD));
    }

    /**
     * A HelmRepository's secretRef may also be a username and password (source-controller's basic auth for OCI
     * repositories), a login for the repository's host; an OCIRepository's may not.
     */
    @Test
    void aHelmRepositoryMayLogInWithAUsernameAndPassword() throws Exception {
        kube.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("basic").endMetadata()
                .withType("Opaque").addToData("username", b64(USER)).addToData("password", b64(PASSWORD)).build())
                .create();
        RegistryClient client = access.forSource(chart("basic"), deadline());
        assertThat(client.resolve(ref(), deadline()).digest()).isEqualTo(pushed);
        assertThatThrownBy(() -> access.forSource(source("{\"secretRef\":{\"name\":\"basic\"}}"), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, kind(Kind.UNAUTHORIZED))
                .hasMessage("pull secret frontend/basic has no .dockerconfigjson (or legacy .dockercfg) key");

        kube.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("half").endMetadata()
                .withType("Opaque").addToData("password", b64(PASSWORD)).build()).create();
        assertThatThrownBy(() -> access.forSource(chart("half"), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, kind(Kind.UNAUTHORIZED))
                .hasMessage("pull secret frontend/half needs both username and password (or type "
                        + "kubernetes.io/dockerconfigjson)").hasMessageNotContaining(PASSWORD);
        // A dockerconfigjson Secret is read as for any pull.
        createPullSecret("docker", PASSWORD);
        assertThat(access.forSource(chart("docker"), deadline()).resolve(ref(), deadline()).digest()).isEqualTo(pushed);
    }

    /** A chart of an OCI HelmRepository at the registry's private/app, with {@code secret} as its secretRef. */
    private static OciSource chart(String secret) throws Exception {
        var request = (HelmChartSource.ChartRequest) HelmChartSource.fromHelmChart(new ObjectMapper().readTree("""
                {"metadata":{"name":"app","namespace":"%s"},
                 "spec":{"chart":"app","version":"v1","sourceRef":{"kind":"HelmRepository","name":"private"}}}
                """.formatted(NS)));
        var resolved = HelmChartSource.resolve(request, new ObjectMapper().readTree("""
                {"metadata":{"name":"private","namespace":"%s"},
                 "spec":{"type":"oci","url":"oci://%s/private","secretRef":{"name":"%s"}}}
                """.formatted(NS, registry.host(), secret)));
        return ((HelmChartSource.Valid) resolved).source();
    }

    /** A broken document is the Secret's fault: named, fail closed, and nothing of its content quoted. */
    @Test
    void aSecretWithABrokenDocumentIsUnauthorizedWithoutQuotingIt() throws Exception {
        String notJson = "{\"auths\":{\"" + registry.host() + "\":{\"password\":\"" + PASSWORD + "\"";
        putSecret("half", Map.of(".dockerconfigjson", b64(notJson)));
        assertThatThrownBy(() -> access.forSource(source("{\"secretRef\":{\"name\":\"half\"}}"), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, kind(Kind.UNAUTHORIZED))
                .hasMessage("pull secret frontend/half: invalid .dockerconfigjson: not a valid JSON document")
                .hasMessageNotContaining(PASSWORD);
        putSecret("not-base64", Map.of(".dockerconfigjson", "%%" + PASSWORD));
        assertThatThrownBy(() -> access.forSource(source("{\"secretRef\":{\"name\":\"not-base64\"}}"), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, kind(Kind.UNAUTHORIZED))
                .hasMessage("pull secret frontend/not-base64: .dockerconfigjson is not valid base64")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void aWrongPasswordIsUnauthorizedAndNeverQuoted() throws Exception {
        createPullSecret("creds", WRONG);
        RegistryClient client = access.forSource(source("{\"secretRef\":{\"name\":\"creds\"}}"), deadline());
        assertThatThrownBy(() -> client.resolve(ref(), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, kind(Kind.UNAUTHORIZED))
                .hasMessage("resolve " + ref() + ": access denied (HTTP 401) with the login configured for "
                        + registry.host())
                .hasMessageNotContaining(WRONG).hasMessageNotContaining(PASSWORD);
    }

    /** Each rotation gives a new resourceVersion and so a new client: no review runs on stale credentials. */
    @Test
    void aRotatedSecretIsUsedAtOnce() throws Exception {
        OciSource src = source("{\"secretRef\":{\"name\":\"creds\"}}");
        Secret first = createPullSecret("creds", PASSWORD);
        assertThat(access.forSource(src, deadline()).resolve(ref(), deadline()).digest()).isEqualTo(pushed);

        Secret broken = putSecret("creds", dockerConfig(WRONG));
        assertThat(broken.getMetadata().getResourceVersion()).isNotEqualTo(first.getMetadata().getResourceVersion());
        assertThatThrownBy(() -> access.forSource(src, deadline()).resolve(ref(), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, kind(Kind.UNAUTHORIZED));

        putSecret("creds", dockerConfig(PASSWORD));
        assertThat(access.forSource(src, deadline()).resolve(ref(), deadline()).digest()).isEqualTo(pushed);
    }

    @Test
    void theSameSecretVersionSharesOneClient() throws Exception {
        createPullSecret("creds", PASSWORD);
        OciSource src = source("{\"secretRef\":{\"name\":\"creds\"}}");
        assertThat(access.forSource(src, deadline())).isSameAs(access.forSource(src, deadline()));
    }

    /**
     * An API server that accepts the connection and never answers: the read ends with the review's deadline,
     * not with fabric8's 10 s request timeout and its retries.
     */
    @Test
    void aSilentApiServerIsUnavailableWithinTheDeadline() throws Exception {
        try (StallingServer silent = StallingServer.silent()) {
            assertNoAnswerWithin(silent, Duration.ofMillis(300));
            assertThat(silent.accepted()).isPositive();
        }
    }

    /**
     * Headers, then a body that never ends: fabric8 7.4's request timeout alone never fires here (its timer stops
     * at the headers and the HTTP client's timeout is an idle one), so only BoundedReads' own wait bounds it.
     */
    @Test
    void aTricklingApiServerIsCutAtTheDeadline() throws Exception {
        try (StallingServer trickling = StallingServer.trickling()) {
            assertNoAnswerWithin(trickling, Duration.ofMillis(500));
        }
    }

    private static void assertNoAnswerWithin(StallingServer server, Duration budget) throws Exception {
        try (KubernetesClient hanging = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + server.port()).build()).build();
                PullSecretAccess stuck = new PullSecretAccess(hanging, RegistryClientConfig.defaults())) {
            OciSource src = source("{\"secretRef\":{\"name\":\"creds\"}}");
            KubernetesApiUnavailable e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                try {
                    stuck.forSource(src, Deadline.after(budget));
                    throw new AssertionError("a read without an answer returned");
                } catch (KubernetesApiUnavailable thrown) {
                    return thrown;
                }
            });
            Matcher m = Pattern.compile("cannot read pull secret frontend/creds from the Kubernetes API: "
                    + "no answer within (\\d+) ms").matcher(e.getMessage());
            assertThat(m.matches()).as(e.getMessage()).isTrue();
            assertThat(Long.parseLong(m.group(1))).isBetween(1L, budget.toMillis());
        }
    }

    /**
     * An API server that answers 500: an infrastructure outcome about the API server (503 Unavailable at the gate),
     * never a 403 and never a message about a registry.
     */
    @Test
    void anApiServerAnswering500IsUnavailableAboutTheApiServer() throws Exception {
        try (LoopbackHttpServer failing = LoopbackHttpServer.start()) {
            LoopbackHttpServer.Route error = exchange -> LoopbackHttpServer.respond(exchange, 500,
                    Map.of("Content-Type", "application/json"), """
                    {"kind":"Status","apiVersion":"v1","status":"Failure","message":"etcdserver: leader changed",
                     "reason":"InternalError","code":500}""".getBytes(StandardCharsets.UTF_8));
            failing.route("/api/v1/namespaces/frontend/secrets/creds", error)
                    .route("/api/v1/namespaces/frontend/serviceaccounts/puller", error)
                    .route("/api/v1/namespaces/frontend", error);
            try (KubernetesClient broken = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                            .withMasterUrl("http://" + failing.host()).build()).build();
                    PullSecretAccess access500 = new PullSecretAccess(broken, RegistryClientConfig.defaults());
                    NamespaceLabelCache labels = new NamespaceLabelCache(broken)) {
                assertThatThrownBy(() -> access500.forSource(source("{\"secretRef\":{\"name\":\"creds\"}}"),
                        deadline())).isInstanceOf(KubernetesApiUnavailable.class)
                        .hasMessage("cannot read pull secret frontend/creds from the Kubernetes API: HTTP 500");

                // Through the gate: pull secrets, service accounts and namespace labels (a selector-scoped policy).
                PolicySnapshot policies = PolicySnapshot.compile(1, PolicyDocuments.parse("test", """
                        apiVersion: fleetwarden.io/v1alpha1
                        kind: ArtifactPolicy
                        metadata: {name: private}
                        spec:
                          mode: Warn
                          sources: ["oci://%s/private/*"]
                          authorities:
                            - keyless:
                                issuer: https://token.actions.githubusercontent.com
                                subjectRegExp: ^https://github\\.com/acme/fleet/.*$
                        ---
                        apiVersion: fleetwarden.io/v1alpha1
                        kind: ArtifactPolicy
                        metadata: {name: tenants}
                        spec:
                          sources: ["oci://%s/tenant/*"]
                          namespaceSelector: {matchLabels: {toolkit.fluxcd.io/role: tenant}}
                          mode: Allow
                        """.formatted(registry.host(), registry.host())), Uncovered.ALLOW);
                OciSourceGate gate = new OciSourceGate(() -> policies, access500, new CosignSignatureVerifier(
                        TrustedRoots.empty(), java.time.Clock.systemUTC()),
                        DecisionCache.defaults(), labels::labelsOrFail);
                for (var c : java.util.List.of(
                        java.util.Map.entry(gateSource("private/app", "\"secretRef\":{\"name\":\"creds\"}"),
                                "pull secret frontend/creds"),
                        java.util.Map.entry(gateSource("private/app", "\"serviceAccountName\":\"puller\""),
                                "service account frontend/puller"),
                        java.util.Map.entry(gateSource("tenant/app", null), "the labels of namespace frontend"))) {
                    GateDecision d = gate.decide(c.getKey(), deadline(), false);
                    assertThat(d).as(c.getValue()).isInstanceOfSatisfying(GateDecision.Unavailable.class, u -> {
                        assertThat(u.reason()).isEqualTo("Unavailable");
                        assertThat(u.message()).contains("cannot read " + c.getValue()
                                + " from the Kubernetes API: HTTP 500").contains("Kubernetes API server")
                                .doesNotContain("registry");
                    });
                }
            }
        }
    }

    private static OciSource gateSource(String repo, String extraSpec) throws Exception {
        JsonNode o = new ObjectMapper().readTree("""
                {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"OCIRepository",
                 "metadata":{"name":"apps","namespace":"frontend"},
                 "spec":{"url":"oci://%s/%s","ref":{"tag":"v1"}%s}}
                """.formatted(registry.host(), repo, extraSpec == null ? "" : "," + extraSpec));
        return ((OciSource.Valid) OciSource.from(o)).source();
    }

    @Test
    void anExpiredDeadlineTimesOutWithoutCallingTheApi() throws Exception {
        KubernetesClient untouchable = (KubernetesClient) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {KubernetesClient.class}, (proxy, method, args) -> {
                    throw new AssertionError("the API was called: " + method.getName());
                });
        try (PullSecretAccess expired = new PullSecretAccess(untouchable, RegistryClientConfig.defaults())) {
            Deadline over = Deadline.after(Duration.ZERO);
            assertThatThrownBy(() -> expired.forSource(source("{\"secretRef\":{\"name\":\"creds\"}}"), over))
                    .isInstanceOfSatisfying(RegistryException.class, kind(Kind.TIMEOUT))
                    .hasMessage("deadline exceeded before reading pull secret frontend/creds");
            assertThatThrownBy(() -> expired.forSource(source("{\"serviceAccountName\":\"puller\"}"), over))
                    .isInstanceOfSatisfying(RegistryException.class, kind(Kind.TIMEOUT))
                    .hasMessage("deadline exceeded before reading service account frontend/puller");
        }
    }

    private static Consumer<RegistryException> kind(Kind kind) {
        return e -> assertThat(e.kind()).isEqualTo(kind);
    }

    private Secret createPullSecret(String name, String password) {
        return putSecret(name, dockerConfig(password));
    }

    private Secret putSecret(String name, Map<String, String> data) {
        return kube.secrets().inNamespace(NS).resource(new SecretBuilder()
                .withNewMetadata().withName(name).endMetadata().withType("kubernetes.io/dockerconfigjson")
                .withData(data).build()).createOr(op -> op.update());
    }

    private void createServiceAccount(String name, String... pullSecrets) {
        ServiceAccountBuilder sa = new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata();
        for (String secret : pullSecrets) {
            sa.addNewImagePullSecret(secret);
        }
        kube.serviceAccounts().inNamespace(NS).resource(sa.build()).create();
    }

    /** A {@code .dockerconfigjson} as {@code kubectl create secret docker-registry} writes it, keyed by URL. */
    private static Map<String, String> dockerConfig(String password) {
        String auth = b64(USER + ":" + password);
        return Map.of(".dockerconfigjson", b64("{\"auths\":{\"http://" + registry.host() + "/v1/\":{\"username\":\""
                + USER + "\",\"password\":\"" + password + "\",\"auth\":\"" + auth + "\"}}}"));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** An OCIRepository in {@value #NS} for the private artifact; {@code extraSpec}: JSON fields added to its spec. */
    private static OciSource source(String extraSpec) throws Exception {
        String extra = extraSpec.isEmpty() ? "" : "," + extraSpec.substring(1, extraSpec.length() - 1);
        var o = new ObjectMapper().readTree("""
                {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"OCIRepository",
                 "metadata":{"name":"apps","namespace":"%s"},
                 "spec":{"url":"oci://%s/private/app","ref":{"tag":"v1"}%s}}
                """.formatted(NS, registry.host(), extra));
        return ((OciSource.Valid) OciSource.from(o)).source();
    }

    private static OciReference ref() {
        return OciReference.parse(registry.host() + "/private/app:v1");
    }

    private static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(20));
    }
}
