package io.fleetwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.RegistryClientConfig;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.oci.RegistryProxy;
import io.fleetwarden.oci.cloud.CloudLogin;
import io.fleetwarden.oci.cloud.CloudLogins;
import io.fleetwarden.oci.cloud.CloudProvider;
import io.fleetwarden.source.OciSource;
import io.fleetwarden.testing.MockApiServer;
import io.fleetwarden.testing.OciPublisher;
import io.fleetwarden.testing.RecordingProxy;
import io.fleetwarden.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code spec.provider}, decided as source-controller decides it: the service's cloud identity logs in only for a
 * source without any pull secret, and never for a tenant's service account. The registry is a real Distribution
 * registry that requires a login, reached under an ACR name through {@link RecordingProxy} (a cloud registry's name
 * pattern allows no port, and no test can own {@code *.azurecr.io}); the cloud identity is a fake that issues that
 * login, since no cloud is reachable here (each provider's own test covers its protocol). Service accounts and
 * Secrets live in the fabric8 mock API server: reading them by name is all that is asked of the API here.
 */
class CloudLoginAccessTest {

    private static final String NS = "flux-system";
    private static final String ACR = "fleet.azurecr.io";

    private static TestRegistry registry;
    private static Digest pushed;
    private static RecordingProxy proxy;

    private final List<String> issued = Collections.synchronizedList(new ArrayList<>());
    private MockApiServer api;
    private KubernetesClient kube;
    private PullSecretAccess access;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = TestRegistry.startWithLogin("00000000-0000-0000-0000-000000000000", "acr-refresh-token");
        try (OciPublisher publisher = new OciPublisher(registry.host(), "00000000-0000-0000-0000-000000000000",
                "acr-refresh-token")) {
            pushed = publisher.pushArtifact("fleet/apps", "v1", Map.of("a.yaml", "a: 1".getBytes(StandardCharsets.UTF_8)));
        }
        proxy = RecordingProxy.open().route(ACR, registry.port());
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        proxy.close();
        registry.close();
    }

    @BeforeEach
    void startApi() {
        api = MockApiServer.start();
        kube = api.client();
        CloudLogins cloud = new CloudLogins(Map.of(CloudProvider.AZURE, () -> (input, host, proxies, deadline) -> {
            issued.add(input);
            return new CloudLogin("00000000-0000-0000-0000-000000000000", "acr-refresh-token",
                    Clock.systemUTC().instant().plus(Duration.ofHours(3)));
        }), Clock.systemUTC());
        // Plain HTTP to the ACR name only because the test lists it as insecure; the proxy stands in for DNS.
        RegistryClientConfig config = RegistryClientConfig.builder().insecureHost(ACR)
                .proxy(RegistryProxy.fromEnvironment(Map.of("HTTP_PROXY", "http://" + proxy.address()))).build();
        access = new PullSecretAccess(kube, config, cloud);
    }

    @AfterEach
    void stopApi() {
        access.close();
        kube.close();
        api.close();
    }

    @Test
    void aSourceWithAProviderAndNoSecretPullsWithTheServiceCloudLogin() throws Exception {
        OciSource source = source("\"provider\":\"azure\"");
        assertThat(access.forSource(source, deadline()).resolve(ref(), deadline()).digest()).isEqualTo(pushed);
        assertThat(issued).containsExactly(ACR);
        // The next source of the same registry reuses the login (cached until shortly before it expires).
        assertThat(access.forSource(source("\"provider\":\"azure\""), deadline()).resolve(ref(), deadline()).digest())
                .isEqualTo(pushed);
        assertThat(issued).hasSize(1);
    }

    @Test
    void withoutAProviderTheSameSourceIsRefusedByTheRegistry() {
        assertThatThrownBy(() -> access.forSource(source("\"provider\":\"generic\""), deadline()).resolve(ref(), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED));
        assertThat(issued).isEmpty();
    }

    /** With a pull secret, source-controller's keychain is not anonymous and the provider is not consulted. */
    @Test
    void aPullSecretWinsOverTheProvider() throws Exception {
        kube.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("creds").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", b64("{\"auths\":{\"" + ACR
                        + "\":{\"auth\":\"" + b64("00000000-0000-0000-0000-000000000000:acr-refresh-token") + "\"}}}"))
                .build()).create();
        OciSource source = source("\"provider\":\"azure\",\"secretRef\":{\"name\":\"creds\"}");
        assertThat(access.forSource(source, deadline()).resolve(ref(), deadline()).digest()).isEqualTo(pushed);
        assertThat(issued).isEmpty();
    }

    /** Flux would use the account's own workload identity (behind a feature gate); never the platform's. */
    @Test
    void aTenantServiceAccountWithoutPullSecretsIsRefusedNotGivenThePlatformIdentity() {
        kube.serviceAccounts().inNamespace(NS).resource(new ServiceAccountBuilder().withNewMetadata().withName("tenant")
                .endMetadata().build()).create();
        assertThatThrownBy(() -> access.forSource(source("\"provider\":\"azure\",\"serviceAccountName\":\"tenant\""),
                deadline())).isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).isEqualTo("spec.provider azure with spec.serviceAccountName tenant asks "
                            + "for that account's workload identity (Flux's ObjectLevelWorkloadIdentity), which "
                            + "fleetwarden does not support; give the account an image pull secret, or name one in "
                            + "spec.secretRef");
                });
        assertThat(issued).isEmpty();
    }

    @Test
    void aProviderThatDoesNotServeTheRegistryIsRefusedWithFluxsWords() {
        assertThatThrownBy(() -> access.forSource(source("\"provider\":\"gcp\""), deadline()))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).startsWith("invalid GCP registry: 'fleet.azurecr.io'. must match ");
                });
    }

    private static OciSource source(String specFields) throws Exception {
        var o = new ObjectMapper().readTree("""
                {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"OCIRepository",
                 "metadata":{"name":"apps","namespace":"%s"},
                 "spec":{"url":"oci://%s/fleet/apps","ref":{"tag":"v1"},%s}}
                """.formatted(NS, ACR, specFields));
        return ((OciSource.Valid) OciSource.from(o)).source();
    }

    private static OciReference ref() {
        return OciReference.parse(ACR + "/fleet/apps:v1");
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(20));
    }
}
