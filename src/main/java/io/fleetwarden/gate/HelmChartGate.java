package io.fleetwarden.gate;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.policy.FieldViolation;
import io.fleetwarden.source.HelmChartSource;
import io.fleetwarden.source.OciSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Judges Helm charts pulled from OCI registries with the {@link OciSourceGate}: same policies, verifier, cache,
 * deadline and outcomes as an {@code OCIRepository}. A {@code HelmChart} or {@code HelmRelease} names its
 * {@code HelmRepository}; the URL comes from there, the chart, version and {@code verify} from the object.
 *
 * <p>A {@code HelmRepository} that does not exist yet is common in GitOps: one Kustomization applies the
 * repository and its releases together, and Flux dry-runs every object of the batch before it applies any, so
 * refusing the release until its repository exists would refuse the batch for ever. Such an object is admitted
 * with a warning and the judgement moves to the repository: creating (or changing the spec of) a
 * {@code HelmRepository} judges every {@code HelmChart} that names it ({@link #decideRepository}) and is refused
 * if any of them would be. A {@code HelmRelease}'s chart is judged again when helm-controller creates it.
 */
public final class HelmChartGate {

    public static final String REPOSITORY_PENDING = "RepositoryNotFound";
    public static final String NOT_OCI = "NotAnOciSource";

    private final OciSourceGate gate;
    private final HelmRepositories repositories;

    public HelmChartGate(OciSourceGate gate, HelmRepositories repositories) {
        this.gate = gate;
        this.repositories = repositories;
    }

    /** A {@code HelmChart} or {@code HelmRelease} (by {@code kind}), as it is about to be stored. */
    public GateDecision decide(String kind, JsonNode object, Deadline deadline, boolean offline, RegistryWait wait) {
        HelmChartSource.Request request = "HelmRelease".equals(kind) ? HelmChartSource.fromHelmRelease(object)
                : HelmChartSource.fromHelmChart(object);
        if (request instanceof HelmChartSource.NotFromHelmRepository n) {
            return new GateDecision.Allowed(NOT_OCI, n.why(), List.of(), null, GateDecision.CACHE_NONE);
        }
        if (request instanceof HelmChartSource.InvalidRequest invalid) {
            return invalid(kind + " is invalid: ", invalid.violations());
        }
        HelmChartSource.ChartRequest chart = (HelmChartSource.ChartRequest) request;
        Optional<JsonNode> repository;
        try {
            repository = repositories.find(chart.namespace(), chart.repository());
        } catch (KubernetesApiUnavailable e) {
            return unavailable(chart.what(), e);
        }
        if (repository.isEmpty()) {
            String message = "HelmRepository " + chart.namespace() + "/" + chart.repository() + " does not exist yet; "
                    + "the chart " + chart.chart() + " is judged when it is created (a HelmRepository is refused while a "
                    + "HelmChart naming it would be)";
            return new GateDecision.Allowed(REPOSITORY_PENDING, message, List.of(chart.what() + ": " + message), null,
                    GateDecision.CACHE_NONE);
        }
        return decide(chart, repository.get(), deadline, offline, wait);
    }

    /** One chart request against a known {@code HelmRepository}. */
    public GateDecision decide(HelmChartSource.ChartRequest chart, JsonNode repository, Deadline deadline,
            boolean offline, RegistryWait wait) {
        HelmChartSource.Resolved resolved = HelmChartSource.resolve(chart, repository);
        if (resolved instanceof HelmChartSource.NotOci n) {
            return new GateDecision.Allowed(NOT_OCI, n.why(), List.of(), null, GateDecision.CACHE_NONE);
        }
        if (resolved instanceof HelmChartSource.Invalid invalid) {
            return invalid(chart.what() + " cannot be judged: ", invalid.violations());
        }
        OciSource source = ((HelmChartSource.Valid) resolved).source();
        GateDecision d = gate.decide(source, deadline, offline, wait);
        if (chart.kind().equals("HelmRelease") && d instanceof GateDecision.Denied n
                && n.reason().equals(GateDecision.Reasons.SPEC_POLICY)) {
            d = new GateDecision.Denied(n.reason(), n.message() + RELEASE_VERIFY_HINT, n.cache(), n.policies());
        }
        return named(d, chart.what() + " (chart " + chart.chart() + " version \"" + chart.version() + "\"): ");
    }

    /**
     * Why a HelmRelease's own chart template cannot satisfy a policy that requires signatures: Flux re-resolves its
     * version and verifies every pull with that verify, and it can name no signer.
     */
    static final String RELEASE_VERIFY_HINT = "; a HelmRelease's chart.spec.verify holds only provider and secretRef "
            + "(helm.toolkit.fluxcd.io/v2 has no matchOIDCIdentity there), so the HelmChart helm-controller creates would "
            + "accept any signer: pull the chart through spec.chartRef, an OCIRepository (or a HelmChart) whose "
            + "spec.verify names the signer";

    /**
     * A {@code HelmRepository} as it is about to be stored: every {@code HelmChart} naming it, judged against it.
     * Allowed when each is; otherwise the first denial (or outage), naming the chart. Only the spec matters, so
     * callers skip updates that leave it unchanged.
     */
    public GateDecision decideRepository(JsonNode repository, Deadline deadline, RegistryWait wait) {
        JsonNode meta = repository.path("metadata");
        String ns = meta.path("namespace").asText("");
        String name = meta.path("name").asText("");
        List<JsonNode> charts;
        try {
            charts = repositories.chartsNaming(ns, name);
        } catch (KubernetesApiUnavailable e) {
            return unavailable("HelmRepository " + ns + "/" + name, e);
        }
        List<String> warnings = new ArrayList<>();
        List<String> judged = new ArrayList<>();
        boolean missed = false;
        for (JsonNode chart : charts) {
            if (!(HelmChartSource.fromHelmChart(chart) instanceof HelmChartSource.ChartRequest request)) {
                continue;
            }
            GateDecision d = decide(request, repository, deadline, false, wait);
            missed |= GateDecision.CACHE_MISS.equals(d.cache());
            if (!(d instanceof GateDecision.Allowed a)) {
                return named(d, "HelmRepository " + ns + "/" + name + " would serve ");
            }
            if (a.reason().equals(NOT_OCI)) {
                return a;
            }
            warnings.addAll(a.warnings());
            judged.add(request.what());
        }
        if (judged.isEmpty()) {
            return new GateDecision.Allowed("NoChartsYet", "HelmRepository " + ns + "/" + name + " is named by no "
                    + "HelmChart yet; each is judged when it is written", List.of(), null, GateDecision.CACHE_NONE);
        }
        return new GateDecision.Allowed(warnings.isEmpty() ? GateDecision.Reasons.VERIFIED : GateDecision.Reasons.WARNED,
                "every chart HelmRepository " + ns + "/" + name + " serves passes: " + String.join(", ", judged), warnings,
                null, missed ? GateDecision.CACHE_MISS : GateDecision.CACHE_HIT);
    }

    private static GateDecision named(GateDecision d, String prefix) {
        if (d instanceof GateDecision.Denied n) {
            return new GateDecision.Denied(n.reason(), prefix + n.message(), n.cache(), n.policies());
        }
        if (d instanceof GateDecision.Unavailable u) {
            return new GateDecision.Unavailable(u.reason(), prefix + u.message(), u.cache());
        }
        return d;
    }

    private static GateDecision invalid(String prefix, List<FieldViolation> violations) {
        return new GateDecision.Denied(GateDecision.Reasons.INVALID, prefix + String.join("; ",
                violations.stream().map(FieldViolation::toString).toList()), GateDecision.CACHE_NONE);
    }

    private static GateDecision unavailable(String what, KubernetesApiUnavailable e) {
        return new GateDecision.Unavailable(GateDecision.Reasons.UNAVAILABLE, "could not judge " + what + ": "
                + e.getMessage() + "; nothing was admitted, retry when the Kubernetes API server answers",
                GateDecision.CACHE_NONE);
    }
}
