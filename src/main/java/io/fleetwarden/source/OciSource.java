package io.fleetwarden.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.SemverTags;
import io.fleetwarden.policy.FieldViolation;
import io.fleetwarden.policy.FluxVerifySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a Flux {@code OCIRepository} (v1 or v1beta2: the fields the gate reads are the same) that
 * decide which artifact source-controller will pull and how it will verify it.
 *
 * @param repository {@code spec.url} parsed, without tag or digest
 * @param tag        {@code spec.ref.tag}; {@code latest} when the ref names nothing, as Flux defaults
 * @param semver     {@code spec.ref.semver}; null when absent
 * @param digest     {@code spec.ref.digest}; null when absent. Flux's precedence: digest, then semver, then tag
 * @param pullSecret {@code spec.secretRef.name}; null when absent
 * @param certSecret {@code spec.certSecretRef.name}: TLS material for the registry ({@code ca.crt}, or
 *                   {@code tls.crt} with {@code tls.key}); null when absent
 * @param proxySecret {@code spec.proxySecretRef.name}: the HTTP proxy for this source ({@code address},
 *                   {@code username}, {@code password}); null when absent (then the environment's proxy applies)
 * @param layerMediaType {@code spec.layerSelector.mediaType}; null when absent. For Helm's chart layer, tags are read
 *                   with {@code _} as {@code +} for {@code semver}, as source-controller reads them
 * @param chart      for a Helm chart of an OCI {@code HelmRepository} ({@link HelmChartSource}): the chart and
 *                   its {@code version}, chosen by Helm's rules instead of {@code tag}/{@code semver} (then
 *                   {@code tag} is set only for an exact version); null for an {@code OCIRepository}
 */
public record OciSource(String namespace, String name, OciReference repository, String tag, String semver,
        String semverFilter, Digest digest, FluxVerifySpec verify, String pullSecret, String serviceAccountName,
        String certSecret, String proxySecret, boolean insecure, String provider, String layerMediaType, Chart chart) {

    /**
     * A Helm chart's name and {@code version} as written (empty means {@code *}, the highest stable version).
     *
     * @param kind what asks for it, for messages: {@code HelmChart} or {@code HelmRelease}
     */
    public record Chart(String name, String version, String kind) {
    }

    /** An {@code OCIRepository} without {@code certSecretRef}, {@code proxySecretRef} or {@code layerSelector}. */
    public OciSource(String namespace, String name, OciReference repository, String tag, String semver,
            String semverFilter, Digest digest, FluxVerifySpec verify, String pullSecret, String serviceAccountName,
            boolean insecure, String provider) {
        this(namespace, name, repository, tag, semver, semverFilter, digest, verify, pullSecret, serviceAccountName,
                null, null, insecure, provider, null, null);
    }

    public sealed interface Parsed {
    }

    public record Valid(OciSource source) implements Parsed {
    }

    public record Invalid(List<FieldViolation> violations) implements Parsed {
    }

    public static Parsed from(JsonNode object) {
        List<FieldViolation> v = new ArrayList<>();
        JsonNode spec = object == null ? null : object.get("spec");
        if (spec == null || !spec.isObject()) {
            return new Invalid(List.of(new FieldViolation("spec", "is required")));
        }
        String url = text(spec, "url");
        OciReference repo = null;
        if (url == null) {
            v.add(new FieldViolation("spec.url", "is required"));
        } else if (!url.startsWith("oci://")) {
            v.add(new FieldViolation("spec.url", "must start with oci://, got \"" + url + "\""));
        } else {
            try {
                repo = OciReference.parse(url);
                if (repo.tag() != null || repo.digest() != null) {
                    v.add(new FieldViolation("spec.url", "must not carry a tag or digest; use spec.ref"));
                }
            } catch (IllegalArgumentException e) {
                v.add(new FieldViolation("spec.url", e.getMessage()));
            }
        }
        JsonNode ref = spec.path("ref");
        Digest digest = null;
        if (text(ref, "digest") != null) {
            try {
                digest = Digest.parse(text(ref, "digest"));
            } catch (IllegalArgumentException e) {
                v.add(new FieldViolation("spec.ref.digest", e.getMessage()));
            }
        }
        String tag = text(ref, "tag");
        String semver = text(ref, "semver");
        if (digest == null && semver == null && tag == null) {
            tag = "latest";
        }
        if (!v.isEmpty()) {
            return new Invalid(v);
        }
        JsonNode meta = object.path("metadata");
        return new Valid(new OciSource(text(meta, "namespace"), text(meta, "name"), repo, tag, semver,
                text(ref, "semverFilter"), digest, verify(spec.get("verify")), text(spec.path("secretRef"), "name"),
                text(spec, "serviceAccountName"), text(spec.path("certSecretRef"), "name"),
                text(spec.path("proxySecretRef"), "name"), spec.path("insecure").asBoolean(false), text(spec, "provider"),
                text(spec.path("layerSelector"), "mediaType"), null));
    }

    static FluxVerifySpec verify(JsonNode verify) {
        if (verify == null || verify.isNull() || !verify.isObject()) {
            return new FluxVerifySpec(null, List.of(), null);
        }
        List<FluxVerifySpec.Identity> identities = new ArrayList<>();
        for (JsonNode i : verify.path("matchOIDCIdentity")) {
            identities.add(new FluxVerifySpec.Identity(text(i, "issuer"), text(i, "subject")));
        }
        // The CRD defaults provider to cosign, and the API server defaults before it calls webhooks; the
        // CLI reads manifests before defaulting, so apply the same default here.
        String provider = text(verify, "provider");
        return new FluxVerifySpec(provider == null ? "cosign" : provider, identities,
                text(verify.path("secretRef"), "name"), text(verify.path("trustedRootSecretRef"), "name"));
    }

    static String text(JsonNode node, String field) {
        JsonNode n = node == null ? null : node.get(field);
        return n == null || n.isNull() || !n.isTextual() || n.asText().isEmpty() ? null : n.asText();
    }

    /**
     * Whether {@code semver} reads this source's tags as Helm chart versions ({@code _} for the {@code +} of build
     * metadata): source-controller does so when {@code layerSelector.mediaType} is exactly Helm's chart layer.
     */
    public boolean semverTagsAreChartVersions() {
        return SemverTags.HELM_CHART_LAYER.equals(layerMediaType);
    }

    /** The reference to verify now, for a fixed tag or digest (semver resolves to a tag first). */
    public OciReference reference(String resolvedTag) {
        if (digest != null) {
            return repository.withDigest(digest);
        }
        return repository.withTag(resolvedTag);
    }

    /**
     * The same source pinned to {@code resolvedTag} (the tag a semver range resolved to): what is verified and
     * what is pulled are then the same tag's artifact, and its revision can name the tag.
     */
    public OciSource pinnedTo(String resolvedTag) {
        if (digest != null || resolvedTag == null) {
            return this;
        }
        return new OciSource(namespace, name, repository, resolvedTag, null, null, null, verify, pullSecret,
                serviceAccountName, certSecret, proxySecret, insecure, provider, layerMediaType, chart);
    }
}
