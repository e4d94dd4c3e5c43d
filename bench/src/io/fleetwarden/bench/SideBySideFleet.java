package io.fleetwarden.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.OciPublisher;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The fleet of Flux's scale benchmark (fluxcd/flux-benchmark, "MTTP"), generated here from its published shape:
 * N apps, each one OCIRepository ({@code insecure: true}: the registry is plain HTTP on loopback) and one
 * Kustomization with {@code wait}, {@code prune}, {@code timeout: 1m}, {@code serviceAccountName},
 * {@code targetNamespace} and {@code postBuild.substitute}, as the benchmark's timoni module writes them (interval
 * 60m, retryInterval 2m). Unlike the benchmark, whose N OCIRepositories all point at one artifact, each app has an
 * artifact of its own, signed keylessly by the local Sigstore (a DSSE bundle referrer, as {@code cosign sign}
 * attaches it), so every app is pulled, extracted and verified on its own.
 *
 * <p>An app's artifact holds 4 objects (ServiceAccount, headless Service, Deployment with 0 replicas, Ingress),
 * or, for the variant, 50 (20 ConfigMaps, 10 ServiceAccounts, 10 headless Services, 10 Deployments with 0
 * replicas). Names come from {@code ${APP}}, substituted by postBuild. The Services are headless because the test
 * control plane's service CIDR is a /24: 254 cluster IPs are too few for 1,000 apps.
 */
final class SideBySideFleet {

    /** Repositories live under {@code <registry>/bench-side/}; the policies name that prefix. */
    static final String BASE = "bench-side";
    /** The tenant's service account the Kustomizations name; may do anything in its namespace. */
    static final String SERVICE_ACCOUNT = "flux";

    private final TestRegistry registry;
    private final LocalSigstore sigstore;
    private final int apps;
    private final int objects;
    private final String prefix;

    SideBySideFleet(TestRegistry registry, LocalSigstore sigstore, int apps, int objects) {
        this(registry, sigstore, apps, objects, "n" + apps + "-o" + objects + "-app-");
    }

    /** @param prefix the repositories' names under {@link #BASE}, before the app's index */
    SideBySideFleet(TestRegistry registry, LocalSigstore sigstore, int apps, int objects, String prefix) {
        if (objects != 4 && objects != 50) {
            throw new IllegalArgumentException("objects per app: 4 (the benchmark's shape) or 50, not " + objects);
        }
        this.registry = registry;
        this.sigstore = sigstore;
        this.apps = apps;
        this.objects = objects;
        this.prefix = prefix;
    }

    int apps() {
        return apps;
    }

    int objects() {
        return objects;
    }

    String repo(int i) {
        return BASE + "/" + prefix + i;
    }

    /** Pushes and signs all N artifacts under tag {@code latest}, with 4 publishers. */
    void publish() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int first = w;
                done.add(pool.submit(() -> {
                    try (OciPublisher publisher = new OciPublisher(registry)) {
                        for (int i = first; i < apps; i += 4) {
                            publishSigned(publisher, i, "latest", 0);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A new release of app {@code i}: its artifact with every object annotated with {@code release}, pushed and
     * signed under tag {@code release-<release>}; the caller moves {@code latest} to it.
     */
    Digest release(int i, int release) {
        try (OciPublisher publisher = new OciPublisher(registry)) {
            return publishSigned(publisher, i, "release-" + release, release);
        }
    }

    void moveLatest(int i, Digest digest) {
        try (OciPublisher publisher = new OciPublisher(registry)) {
            publisher.tag(repo(i), digest, "latest");
        }
    }

    private Digest publishSigned(OciPublisher publisher, int i, String tag, int release) {
        Digest d = publisher.pushArtifact(repo(i), tag, files(i, release));
        byte[] bundle;
        synchronized (sigstore) {
            // One transparency log, one Merkle tree: the local Sigstore signs one at a time.
            bundle = sigstore.signBundleDsse(d.toString(), SigningRequest.github());
        }
        publisher.pushBundleReferrer(repo(i), d, bundle);
        return d;
    }

    private Map<String, byte[]> files(int i, int release) {
        Map<String, String> files = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        if (objects == 4) {
            files.put("sa.yaml", serviceAccount("${APP}"));
            files.put("svc.yaml", service("${APP}"));
            files.put("deploy.yaml", deployment("${APP}"));
            files.put("ingress.yaml", ingress("${APP}"));
        } else {
            for (int k = 0; k < 20; k++) {
                files.put("cm-" + k + ".yaml", configMap("${APP}-settings-" + k, k));
            }
            for (int k = 0; k < 10; k++) {
                files.put("sa-" + k + ".yaml", serviceAccount("${APP}-account-" + k));
                files.put("svc-" + k + ".yaml", service("${APP}-web-" + k));
                files.put("deploy-" + k + ".yaml", deployment("${APP}-web-" + k));
            }
        }
        names.addAll(files.keySet());
        StringBuilder k = new StringBuilder("resources:\n");
        names.forEach(n -> k.append("  - ").append(n).append('\n'));
        // Distinct artifacts, as separate apps have: each is pulled and extracted on its own.
        k.append("commonLabels:\n  bench.fleetwarden.io/app: \"").append(i).append("\"\n");
        if (release > 0) {
            k.append("commonAnnotations:\n  bench.fleetwarden.io/release: \"").append(release).append("\"\n");
        }
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        bytes.put("kustomization.yaml", k.toString().getBytes(StandardCharsets.UTF_8));
        files.forEach((name, text) -> bytes.put(name, text.getBytes(StandardCharsets.UTF_8)));
        return bytes;
    }

    /**
     * A tenant namespace as D2 makes them (labelled as a tenant, which fleetwarden's TenancyPolicy selects and Flux
     * ignores), with the service account the Kustomizations name, allowed everything in its namespace.
     */
    static void tenant(KubernetesClient admin, String ns) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
                .withLabels(Map.of("toolkit.fluxcd.io/role", "tenant")).endMetadata().build()).create();
        admin.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName(SERVICE_ACCOUNT).endMetadata().build()).create();
        admin.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName("tenant-admin")
                .endMetadata().addNewRule().withApiGroups("*").withResources("*").withVerbs("*").endRule().build())
                .create();
        admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata()
                .withName(SERVICE_ACCOUNT).endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role").withName("tenant-admin").endRoleRef().addNewSubject().withKind("ServiceAccount")
                .withName(SERVICE_ACCOUNT).withNamespace(ns).endSubject().build()).create();
    }

    static String name(int i) {
        return "app-" + i;
    }

    /** The Secret (in the tenant's namespace) holding the local Sigstore's trusted root for Flux. */
    static final String TRUSTED_ROOT_SECRET = "sigstore-trusted-root";

    /** How an OCIRepository asks for verification. */
    enum Verify {
        /**
         * {@code spec.verify} with the signer's identity: fleetwarden verifies against the ArtifactPolicy's trusted
         * root (its own namespace), and refuses a {@code trustedRootSecretRef}.
         */
        IDENTITY,
        /**
         * The same, plus {@code trustedRootSecretRef} naming {@link #TRUSTED_ROOT_SECRET}: how Flux (source-controller
         * v1.9) verifies keyless signatures against a Sigstore other than the public one.
         */
        IDENTITY_AND_TRUSTED_ROOT,
        /** No {@code spec.verify}: Flux without verification (a fallback, named in the figures). */
        NONE
    }

    GenericKubernetesResource ociRepository(String ns, int i, Duration interval, Verify verify) {
        String spec = switch (verify) {
            case NONE -> "";
            case IDENTITY -> VERIFY;
            case IDENTITY_AND_TRUSTED_ROOT -> VERIFY + "    trustedRootSecretRef:\n      name: " + TRUSTED_ROOT_SECRET
                    + "\n";
        };
        return Serialization.unmarshal("""
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: OCIRepository
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  interval: %ds
                  insecure: true
                  url: oci://%s/%s
                  ref:
                    tag: latest
                """.formatted(name(i), ns, interval.toSeconds(), registry.host(), repo(i)) + spec,
                GenericKubernetesResource.class);
    }

    /** The signer of every artifact: SigningRequest.github(), D2's push workflow on main. */
    private static final String VERIFY = """
              verify:
                provider: cosign
                matchOIDCIdentity:
                  - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                    subject: ^https://github\\.com/acme/fleet/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
            """;

    static GenericKubernetesResource kustomization(String ns, int i, Duration interval) {
        return Serialization.unmarshal("""
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata:
                  name: %1$s
                  namespace: %2$s
                spec:
                  sourceRef:
                    kind: OCIRepository
                    name: %1$s
                  interval: %3$ds
                  retryInterval: 2m
                  path: ./
                  prune: true
                  wait: true
                  timeout: 1m
                  serviceAccountName: %4$s
                  targetNamespace: %2$s
                  postBuild:
                    substitute:
                      APP: %1$s
                      INDEX: "%5$d"
                """.formatted(name(i), ns, interval.toSeconds(), SERVICE_ACCOUNT, i), GenericKubernetesResource.class);
    }

    // Block style and quoted values: ${APP} must stay valid YAML until postBuild substitutes it.

    private static String serviceAccount(String name) {
        return "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: \"" + name + "\"\n";
    }

    private static String configMap(String name, int k) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"" + name + "\"\ndata:\n  key: \"value-" + k
                + "\"\n";
    }

    private static String service(String name) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: "%1$s"
                spec:
                  clusterIP: None
                  selector:
                    app: "%1$s"
                  ports:
                    - name: http
                      port: 80
                      targetPort: 8080
                """.formatted(name);
    }

    private static String deployment(String name) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: "%1$s"
                spec:
                  replicas: 0
                  selector:
                    matchLabels:
                      app: "%1$s"
                  template:
                    metadata:
                      labels:
                        app: "%1$s"
                    spec:
                      containers:
                        - name: app
                          image: ghcr.io/stefanprodan/podinfo:6.9.0
                          ports:
                            - containerPort: 8080
                          resources:
                            requests:
                              cpu: 10m
                              memory: 32Mi
                """.formatted(name);
    }

    private static String ingress(String name) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: "%1$s"
                spec:
                  rules:
                    - host: "%1$s.example.com"
                      http:
                        paths:
                          - path: /
                            pathType: Prefix
                            backend:
                              service:
                                name: "%1$s"
                                port:
                                  number: 80
                """.formatted(name);
    }
}
