package io.fleetwarden.tenancy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * The source kinds a tenant may create, each held to the tenant's allowlist: a source kind left unjudged is a
 * way around the allowlist, since a Kustomization or HelmRelease applies whatever its (local) source fetched.
 */
final class SourceRules {

    /** Cloud providers whose credentials, without a secret or service account of the tenant, are the controller's. */
    private static final Set<String> NO_IDENTITY_NEEDED = Set.of("generic", "");

    /** What a HelmChart may fetch from: all judged sources in the same namespace. */
    private static final Set<String> HELM_CHART_SOURCES = Set.of("HelmRepository", "GitRepository", "Bucket");

    private SourceRules() {
    }

    /** OCIRepository, GitRepository, HelmRepository: {@code spec.url} on the allowlist. */
    static void urlSource(GovernedKind kind, JsonNode spec, ObjectChecks c) {
        c.sourceUrl(spec.path("url"), "spec.url");
        c.serviceAccount(spec.path("serviceAccountName"), "spec.serviceAccountName", false);
        ownCredentials(spec, c);
        if (kind == GovernedKind.GIT_REPOSITORY) {
            GitRefs.check(spec.path("ref"), c);
        }
    }

    /**
     * A Bucket has no URL: it is judged as {@code https://<endpoint>/<bucketName>} ({@code http://} when
     * {@code insecure}), which is how an S3-compatible client addresses it path-style, so an allowlist entry
     * such as {@code https://minio.acme.internal/tenant-a-*} means what it reads.
     */
    static void bucket(JsonNode spec, ObjectChecks c) {
        JsonNode endpoint = spec.path("endpoint");
        JsonNode bucket = spec.path("bucketName");
        boolean ok = true;
        if (Json.absent(endpoint) || !endpoint.isTextual() || endpoint.asText().isEmpty()
                || endpoint.asText().contains("/")) {
            c.deny("source.url-invalid", "spec.endpoint", "must be a host (and port) without scheme or path, such "
                    + "as minio.acme.internal:9000, got " + Json.show(endpoint));
            ok = false;
        }
        if (Json.absent(bucket) || !bucket.isTextual() || !Names.isDnsSubdomain(bucket.asText())) {
            c.deny("source.url-invalid", "spec.bucketName", "must be a bucket name (lower-case, digits, - and .), got "
                    + Json.show(bucket));
            ok = false;
        }
        if (ok) {
            boolean insecure = spec.path("insecure").asBoolean(false);
            String url = (insecure ? "http://" : "https://") + endpoint.asText() + "/" + bucket.asText();
            c.sourceUrl(com.fasterxml.jackson.databind.node.TextNode.valueOf(url), "spec.endpoint");
        }
        c.serviceAccount(spec.path("serviceAccountName"), "spec.serviceAccountName", false);
        ownCredentials(spec, c);
    }

    /**
     * A HelmChart fetches from another source object named in {@code spec.sourceRef}, which the API keeps local
     * (no namespace field); that object is judged itself. Its {@code chart} is a path inside a Git or Bucket
     * artifact there.
     */
    static void helmChart(JsonNode spec, ObjectChecks c) {
        JsonNode ref = spec.path("sourceRef");
        c.localRef(ref, "spec.sourceRef");
        String kind = ref.path("kind").asText("");
        if (!HELM_CHART_SOURCES.contains(kind)) {
            c.deny("ref.kind-not-allowed", "spec.sourceRef.kind", "must be one of " + new java.util.TreeSet<>(
                    HELM_CHART_SOURCES) + ", got " + Json.show(ref.path("kind")));
        } else if (!kind.equals("HelmRepository")) {
            KindRules.path(spec.path("chart"), "spec.chart", c);
        }
        JsonNode values = spec.path("valuesFiles");
        if (values.isArray()) {
            for (int i = 0; i < values.size(); i++) {
                KindRules.path(values.get(i), "spec.valuesFiles[" + i + "]", c);
            }
        }
    }

    /**
     * {@code provider: aws|azure|gcp} (and GitRepository's {@code azure}) without a secret or a service account of
     * the tenant authenticates as the source-controller's own cloud identity: the tenant would read with the
     * platform's cloud permissions.
     */
    private static void ownCredentials(JsonNode spec, ObjectChecks c) {
        JsonNode provider = spec.path("provider");
        if (Json.absent(provider) || NO_IDENTITY_NEEDED.contains(provider.asText())) {
            return;
        }
        if (Json.absent(spec.path("secretRef")) && Json.absent(spec.path("serviceAccountName"))) {
            c.deny("source.controller-identity", "spec.provider", "provider " + Json.show(provider) + " without "
                    + "spec.secretRef or spec.serviceAccountName would authenticate as the source-controller's own "
                    + "cloud identity; name the tenant's secret or service account");
        }
    }
}
