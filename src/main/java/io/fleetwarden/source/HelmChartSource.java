package io.fleetwarden.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.oci.HelmChartTags;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.policy.FieldViolation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What a Flux {@code HelmChart} (source.toolkit.fluxcd.io v1, v1beta2) or the chart template of a
 * {@code HelmRelease} (helm.toolkit.fluxcd.io v2, v2beta1, v2beta2: {@code spec.chart.spec}) asks
 * source-controller to pull, and, with the {@code HelmRepository} it names, the {@link OciSource} the gate
 * judges: the repository {@code <url>/<chart>} (Go's {@code path.Join}, as source-controller builds it), the
 * chart's {@code version} resolved by Helm's rules ({@link HelmChartTags}), the chart's {@code verify} (the
 * object's own, held to the policies as an {@code OCIRepository}'s is) and the repository's credentials.
 *
 * <p>{@code valuesFiles}, {@code reconcileStrategy} and {@code interval} do not change which artifact is pulled
 * from an OCI repository, so they are not read. A {@code HelmRelease} with {@code spec.chartRef} pulls through
 * the {@code OCIRepository} or {@code HelmChart} it names, each judged by its own webhook.
 */
public final class HelmChartSource {

    private HelmChartSource() {
    }

    /** What the object asks for. */
    public sealed interface Request {
    }

    /**
     * A chart from a {@code HelmRepository}, to be judged once that repository is known.
     *
     * @param namespace  the namespace of the {@code HelmChart} (and of its {@code HelmRepository}): for a
     *                   {@code HelmRelease}, {@code chart.spec.sourceRef.namespace} or its own, where
     *                   helm-controller creates the chart
     * @param what       the object, for messages ({@code HelmRelease apps/podinfo})
     * @param repository the {@code HelmRepository}'s name
     */
    public record ChartRequest(String kind, String namespace, String what, String chart, String version,
            String repository, JsonNode verify) implements Request {
    }

    /** Not pulled from a {@code HelmRepository} (Git, Bucket, a {@code chartRef}): this gate has nothing to judge. */
    public record NotFromHelmRepository(String why) implements Request {
    }

    public record InvalidRequest(List<FieldViolation> violations) implements Request {
    }

    /** A {@code HelmChart} object. */
    public static Request fromHelmChart(JsonNode object) {
        JsonNode meta = object == null ? null : object.path("metadata");
        JsonNode spec = object == null ? null : object.get("spec");
        if (spec == null || !spec.isObject()) {
            return new InvalidRequest(List.of(new FieldViolation("spec", "is required")));
        }
        String ns = OciSource.text(meta, "namespace");
        return request("HelmChart", ns, "HelmChart " + ns + "/" + OciSource.text(meta, "name"), spec, "spec", false);
    }

    /** A {@code HelmRelease} object: its {@code chart.spec}, the {@code HelmChart} helm-controller creates. */
    public static Request fromHelmRelease(JsonNode object) {
        JsonNode meta = object == null ? null : object.path("metadata");
        JsonNode spec = object == null ? null : object.get("spec");
        if (spec == null || !spec.isObject()) {
            return new InvalidRequest(List.of(new FieldViolation("spec", "is required")));
        }
        String ns = OciSource.text(meta, "namespace");
        String what = "HelmRelease " + ns + "/" + OciSource.text(meta, "name");
        JsonNode chartRef = spec.get("chartRef");
        if (chartRef != null && chartRef.isObject()) {
            return new NotFromHelmRepository(what + " pulls through its chartRef, " + OciSource.text(chartRef, "kind")
                    + " " + OciSource.text(chartRef, "name") + ", which is judged when it is written");
        }
        JsonNode template = spec.path("chart").get("spec");
        if (!spec.has("chart")) {
            // The CRD's schema requires chart or chartRef, so no stored HelmRelease lacks both; check meets such
            // documents as kustomize patches of a release, which pull nothing themselves.
            return new NotFromHelmRepository(what + " names no chart (neither spec.chart nor spec.chartRef)");
        }
        if (template == null || !template.isObject()) {
            return new InvalidRequest(List.of(new FieldViolation("spec.chart.spec", "is required with spec.chart")));
        }
        return request("HelmRelease", ns, what, releaseTemplate(template), "spec.chart.spec", true);
    }

    /**
     * A HelmRelease's {@code chart.spec.verify} holds {@code provider} and {@code secretRef} only (helm.toolkit.fluxcd.io
     * v2): the API server prunes anything else before the webhook sees it, and helm-controller copies just those two
     * into the HelmChart. A {@code matchOIDCIdentity} written there (as {@code check} may read it from a file) is
     * dropped here too, so that check's verdict is the cluster's.
     */
    private static JsonNode releaseTemplate(JsonNode template) {
        JsonNode verify = template.get("verify");
        if (verify == null || !verify.isObject()) {
            return template;
        }
        ObjectNode copy = template.deepCopy();
        ObjectNode kept = copy.putObject("verify");
        for (String field : new String[] {"provider", "secretRef"}) {
            if (verify.has(field)) {
                kept.set(field, verify.get(field));
            }
        }
        return copy;
    }

    private static Request request(String kind, String ns, String what, JsonNode spec, String at, boolean crossNamespace) {
        JsonNode ref = spec.path("sourceRef");
        String refKind = OciSource.text(ref, "kind");
        List<FieldViolation> v = new ArrayList<>();
        if (refKind == null) {
            v.add(new FieldViolation(at + ".sourceRef.kind", "is required"));
        } else if (!refKind.equals("HelmRepository")) {
            return new NotFromHelmRepository(what + " pulls its chart from a " + refKind + ", not an OCI registry");
        }
        String repository = OciSource.text(ref, "name");
        if (repository == null) {
            v.add(new FieldViolation(at + ".sourceRef.name", "is required"));
        }
        String chart = OciSource.text(spec, "chart");
        if (chart == null) {
            v.add(new FieldViolation(at + ".chart", "is required"));
        }
        if (!v.isEmpty()) {
            return new InvalidRequest(v);
        }
        String refNs = crossNamespace ? OciSource.text(ref, "namespace") : null;
        String version = OciSource.text(spec, "version");
        return new ChartRequest(kind, refNs != null ? refNs : ns, what, chart, version == null ? HelmChartTags.ANY_STABLE
                : version, repository, spec.get("verify"));
    }

    /**
     * The source to judge, given the {@code HelmRepository} the request names: {@link OciSource.Valid} for an OCI
     * one, {@link NotOci} for an HTTP index (out of the gate's scope), {@link OciSource.Invalid} when the URL and
     * chart do not make an OCI repository.
     */
    public static Resolved resolve(ChartRequest request, JsonNode helmRepository) {
        JsonNode spec = helmRepository.path("spec");
        String url = OciSource.text(spec, "url");
        String type = OciSource.text(spec, "type");
        // An oci:// URL is judged whatever the type says: source-controller reaches it through Helm's OCI getter
        // either way, and refusing a repository Flux cannot use anyway costs nothing.
        boolean oci = "oci".equals(type) || (url != null && url.startsWith("oci://"));
        if (!oci) {
            return new NotOci("HelmRepository " + request.namespace() + "/" + request.repository() + " is of type "
                    + (type == null ? "default" : type) + " (an HTTP chart index), not an OCI registry");
        }
        String at = "HelmRepository " + request.namespace() + "/" + request.repository() + " spec.url";
        if (url == null || !url.startsWith("oci://")) {
            return new Invalid(List.of(new FieldViolation(at, "must start with oci:// for type oci, got "
                    + (url == null ? "nothing" : "\"" + url + "\""))));
        }
        OciReference repository;
        try {
            repository = OciReference.parse(chartUrl(url, request.chart()));
        } catch (IllegalArgumentException e) {
            return new Invalid(List.of(new FieldViolation(at + " with chart \"" + request.chart() + "\"", e.getMessage())));
        }
        if (repository.tag() != null || repository.digest() != null) {
            return new Invalid(List.of(new FieldViolation(at, "must not carry a tag or digest (the chart's version "
                    + "is chosen by the chart, got " + repository + ")")));
        }
        String exact = HelmChartTags.exactTag(request.version()).orElse(null);
        OciSource source = new OciSource(request.namespace(), request.what(), repository, exact, null, null, null,
                OciSource.verify(request.verify()), OciSource.text(spec.path("secretRef"), "name"),
                OciSource.text(spec, "serviceAccountName"), OciSource.text(spec.path("certSecretRef"), "name"),
                null, spec.path("insecure").asBoolean(false),
                OciSource.text(spec, "provider"), null, new OciSource.Chart(request.chart(), request.version(), request.kind()));
        return new Valid(source);
    }

    public sealed interface Resolved {
    }

    public record Valid(OciSource source) implements Resolved {
    }

    public record NotOci(String why) implements Resolved {
    }

    public record Invalid(List<FieldViolation> violations) implements Resolved {
    }

    /**
     * {@code url} with {@code chart} appended as source-controller does it ({@code path.Join} on the URL's path,
     * which also cleans {@code .} and {@code ..}: {@code oci://host/charts} and {@code ../other} make
     * {@code oci://host/other}, and that is what is judged).
     */
    static String chartUrl(String url, String chart) {
        String rest = url.substring("oci://".length());
        int slash = rest.indexOf('/');
        String host = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        return "oci://" + host + cleanJoin(path, chart);
    }

    /** Go's {@code path.Join(path, chart)} for a rooted (or empty) {@code path}; the result is rooted. */
    private static String cleanJoin(String path, String chart) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : (path + "/" + chart).split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast(); // above the root stays at the root, as path.Clean does
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }
}
