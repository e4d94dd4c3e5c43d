package io.fleetwarden.gate;

import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.source.OciSource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.HttpRegistryClient;
import io.fleetwarden.oci.RegistryClientConfig;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.SemverTags;
import io.fleetwarden.policy.PolicyDocuments;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.SigningRequest;
import io.fleetwarden.verify.cosign.CosignSignatureVerifier;
import io.fleetwarden.verify.cosign.TrustedRoots;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OciSourceGateTest {

    static SignedArtifacts artifacts;
    static HttpRegistryClient registry;
    static CosignSignatureVerifier signatures;
    static final String ISSUER_RE = "^https://token\\\\.actions\\\\.githubusercontent\\\\.com$";

    @BeforeAll
    static void start() {
        artifacts = SignedArtifacts.onSharedRegistry();
        registry = new HttpRegistryClient(RegistryClientConfig.defaults());
        signatures = new CosignSignatureVerifier(TrustedRoots.empty().add("local", artifacts.sigstore().trustedRootJson()),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        artifacts.close();
        registry.close();
    }

    static PolicySnapshot snapshot(long generation, String mode, String refs, Uncovered uncovered) {
        return PolicySnapshot.compile(generation, PolicyDocuments.parse("test", snapshotYaml(mode, refs)), uncovered);
    }

    static String snapshotYaml(String mode, String refs) {
        return """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: apps}
                spec:
                  sources: ["oci://%s/gate-*"]
                  mode: %s
                  authorities:
                    - trustedRoot: local
                      keyless:
                        issuer: https://token.actions.githubusercontent.com
                        github: {repository: acme/fleet, refs: %s}
                ---
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: charts}
                spec:
                  sources: ["oci://%s/charts/*"]
                  mode: Allow
                """.formatted(artifacts.host(), mode, refs, artifacts.host());
    }

    static OciSource source(String repo, String ref, String verify) throws Exception {
        JsonNode o = new ObjectMapper().readTree("""
                {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"OCIRepository",
                 "metadata":{"name":"apps","namespace":"frontend"},
                 "spec":{"url":"oci://%s/%s","ref":%s %s}}
                """.formatted(artifacts.host(), repo, ref, verify == null ? "" : ",\"verify\":" + verify));
        return ((OciSource.Valid) OciSource.from(o)).source();
    }

    static String verifyFor(String ref) {
        return "{\"provider\":\"cosign\",\"matchOIDCIdentity\":[{\"issuer\":\"" + ISSUER_RE
                + "\",\"subject\":\"^https://github\\\\.com/acme/fleet/\\\\.github/workflows/push-artifact\\\\.yaml@"
                + ref + "$\"}]}";
    }

    static final String MAIN = verifyFor("refs/heads/main");

    static OciSourceGate gate(AtomicReference<PolicySnapshot> policies, AtomicInteger registryCalls) {
        return new OciSourceGate(policies::get, (s, d) -> {
            registryCalls.incrementAndGet();
            return registry;
        }, signatures, DecisionCache.defaults());
    }

    static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(10));
    }

    @Test
    void signedVerifiedThenAMovedTagIsDeniedAndCachedVerdictsFollowPolicyGenerations() throws Exception {
        String repo = SignedArtifacts.uniqueRepo("gate", "frontend");
        Digest d = artifacts.publish(repo, "latest");
        artifacts.signBundle(repo, d, SigningRequest.github());
        AtomicReference<PolicySnapshot> policies = new AtomicReference<>(snapshot(1, "Enforce", "[refs/heads/main]", Uncovered.DENY));
        OciSourceGate gate = gate(policies, new AtomicInteger());
        OciSource src = source(repo, "{\"tag\":\"latest\"}", MAIN);

        assertThat(gate.decide(src, deadline(), false)).isInstanceOfSatisfying(GateDecision.Allowed.class, a -> {
            assertThat(a.reason()).isEqualTo("Verified");
            assertThat(a.digest()).isEqualTo(d);
            assertThat(a.cache()).isEqualTo("miss");
        });
        assertThat(gate.decide(src, deadline(), false).cache()).isEqualTo("hit");
        // A policy edit that narrows what the spec cannot express (the trigger) takes effect with the next
        // generation, although the verdict for this digest is cached.
        policies.set(snapshot(2, "Enforce", "[refs/heads/main], buildTriggers: [workflow_dispatch]", Uncovered.DENY));
        assertThat(gate.decide(src, deadline(), false)).isInstanceOfSatisfying(GateDecision.Denied.class, n -> {
            assertThat(n.reason()).isEqualTo("PolicyDenied");
            assertThat(n.message()).contains("is not signed as policy apps requires: BUILD_TRIGGER");
        });
        // Narrowing the ref makes the object's own spec.verify looser than the policy: denied before any pull.
        policies.set(snapshot(3, "Enforce", "[refs/heads/release]", Uncovered.DENY));
        assertThat(gate.decide(src, deadline(), false)).isInstanceOfSatisfying(GateDecision.Denied.class,
                n -> assertThat(n.reason()).isEqualTo("VerificationSpecRejected"));
        policies.set(snapshot(4, "Enforce", "[refs/heads/main]", Uncovered.DENY));
        assertThat(gate.decide(src, deadline(), false)).isInstanceOf(GateDecision.Allowed.class);
        Digest unsigned = artifacts.publish(repo, "latest");
        assertThat(gate.decide(src, deadline(), false)).isInstanceOfSatisfying(GateDecision.Denied.class,
                n -> assertThat(n.message()).contains(unsigned.toString()).contains("SIGNATURE_PRESENT"));
    }

    @Test
    void coverageAllowAndUncoveredSources() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<PolicySnapshot> deny = new AtomicReference<>(snapshot(1, "Enforce", "[refs/heads/main]", Uncovered.DENY));
        assertThat(gate(deny, calls).decide(source("elsewhere/app", "{\"tag\":\"v1\"}", MAIN), deadline(), false))
                .isInstanceOfSatisfying(GateDecision.Denied.class, n -> {
                    assertThat(n.reason()).isEqualTo("NotCovered");
                    assertThat(n.message()).startsWith("no ArtifactPolicy covers oci://" + artifacts.host() + "/elsewhere/app");
                });
        assertThat(gate(deny, calls).decide(source("charts/podinfo", "{\"tag\":\"6.0.0\"}", null), deadline(), false))
                .isInstanceOfSatisfying(GateDecision.Allowed.class, a -> assertThat(a.reason()).isEqualTo("AllowedUnsigned"));
        AtomicReference<PolicySnapshot> warn = new AtomicReference<>(snapshot(1, "Enforce", "[refs/heads/main]", Uncovered.WARN));
        assertThat(gate(warn, calls).decide(source("elsewhere/app", "{\"tag\":\"v1\"}", MAIN), deadline(), false))
                .isInstanceOfSatisfying(GateDecision.Allowed.class, a -> assertThat(a.warnings()).hasSize(1));
        assertThat(calls).hasValue(0);
    }

    /**
     * A stored policy that does not compile (here: a misspelt field kept by the CRD, applied while the webhook was
     * away) is not in force, and the sources it names are refused: neither another policy that would allow them
     * nor {@code uncovered: warn} may admit them with fewer checks than it asks for. Sources it does not name are
     * judged as before.
     */
    @Test
    void aPolicyNotInForceRefusesTheSourcesItNamesWhateverElseWouldAdmitThem() throws Exception {
        String yaml = """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: strict-charts}
                spec:
                  sources: ["oci://%s/charts/strict-*"]
                  authorities:
                    - trustedRoot: local
                      keyless:
                        issuer: https://token.actions.githubusercontent.com
                        github: {repository: acme/fleet, workfow: .github/workflows/push-artifact.yaml}
                """.formatted(artifacts.host());
        String allowCharts = snapshotYaml("Enforce", "[refs/heads/main]");
        AtomicInteger calls = new AtomicInteger();
        for (Uncovered uncovered : Uncovered.values()) {
            PolicySnapshot withBroken = PolicySnapshot.compile(1, PolicyDocuments.parse("test", allowCharts + "---\n" + yaml),
                    uncovered);
            assertThat(withBroken.policies()).extracting(p -> p.name()).containsExactly("apps", "charts");
            OciSourceGate gate = gate(new AtomicReference<>(withBroken), calls);
            // charts/* is allowed unsigned by "charts"; strict-charts, had it compiled, would require a signature.
            assertThat(gate.decide(source("charts/strict-app", "{\"tag\":\"v1\"}", null), deadline(), false))
                    .as("uncovered: %s", uncovered).isInstanceOfSatisfying(GateDecision.Denied.class, n -> {
                        assertThat(n.reason()).isEqualTo("PolicyNotInForce");
                        assertThat(n.message()).startsWith("ArtifactPolicy strict-charts names oci://" + artifacts.host()
                                + "/charts/strict-app but is not in force, so nothing it governs is admitted until it is "
                                + "fixed or deleted (kubectl get artifactpolicy strict-charts -o wide): ")
                                .contains("spec.authorities[0].keyless.github.workfow").doesNotContain("\n");
                        assertThat(n.policies()).containsExactly("strict-charts");
                    });
            // Nowhere else does it change a decision: in an uncovered path, uncovered decides as configured.
            assertThat(gate.decide(source("charts/podinfo", "{\"tag\":\"6.0.0\"}", null), deadline(), false).reason())
                    .isEqualTo("AllowedUnsigned");
            GateDecision elsewhere = gate.decide(source("elsewhere/app", "{\"tag\":\"v1\"}", MAIN), deadline(), false);
            assertThat(elsewhere.reason()).isEqualTo("NotCovered");
            assertThat(elsewhere).isInstanceOf(uncovered == Uncovered.DENY ? GateDecision.Denied.class : GateDecision.Allowed.class);
        }
        assertThat(calls).hasValue(0);
    }

    /** Allows {@code scoped/*} unsigned, only in namespaces labelled as tenants. */
    static String tenantCharts() {
        return """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: tenant-charts}
                spec:
                  sources: ["oci://%s/scoped/*"]
                  namespaceSelector: {matchLabels: {toolkit.fluxcd.io/role: tenant}}
                  mode: Allow
                """.formatted(artifacts.host());
    }

    @Test
    void aPolicyWithANamespaceSelectorCoversOnlyMatchingNamespaces() throws Exception {
        PolicySnapshot scoped = PolicySnapshot.compile(1, PolicyDocuments.parse("test", tenantCharts()), Uncovered.DENY);
        java.util.Map<String, java.util.Map<String, String>> labels = java.util.Map.of(
                "frontend", java.util.Map.of("toolkit.fluxcd.io/role", "tenant"), "platform", java.util.Map.of());
        OciSourceGate gate = new OciSourceGate(() -> scoped, (s, d) -> registry, signatures, DecisionCache.defaults(),
                ns -> java.util.Optional.ofNullable(labels.get(ns)));
        assertThat(gate.decide(source("scoped/app", "{\"tag\":\"v1\"}", MAIN), deadline(), false).reason())
                .isEqualTo("AllowedUnsigned");
        OciSource inPlatform = source("scoped/app", "{\"tag\":\"v1\"}", MAIN);
        inPlatform = new OciSource("platform", inPlatform.name(), inPlatform.repository(), inPlatform.tag(), null, null,
                null, inPlatform.verify(), null, null, false, null);
        assertThat(gate.decide(inPlatform, deadline(), false).reason()).isEqualTo("NotCovered");
    }

    @Test
    void namespaceLabelsAreLookedUpOnlyWhenAMatchingPolicyHasASelector() throws Exception {
        // A lookup can be a live API read (a namespace the informer has not seen yet): sources that no
        // selector-scoped policy matches must not pay for it on every review.
        PolicySnapshot snapshot = PolicySnapshot.compile(1, PolicyDocuments.parse("test", tenantCharts() + """
                ---
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: everywhere}
                spec:
                  sources: ["oci://%s/open/*"]
                  mode: Allow
                """.formatted(artifacts.host())), Uncovered.DENY);
        AtomicInteger lookups = new AtomicInteger();
        OciSourceGate gate = new OciSourceGate(() -> snapshot, (s, d) -> registry, signatures, DecisionCache.defaults(),
                ns -> {
                    lookups.incrementAndGet();
                    return java.util.Optional.of(java.util.Map.of("toolkit.fluxcd.io/role", "tenant"));
                });
        assertThat(gate.decide(source("open/app", "{\"tag\":\"v1\"}", MAIN), deadline(), false).reason())
                .isEqualTo("AllowedUnsigned");
        assertThat(gate.decide(source("elsewhere/app", "{\"tag\":\"v1\"}", MAIN), deadline(), false).reason())
                .isEqualTo("NotCovered");
        assertThat(lookups).hasValue(0);
        assertThat(gate.decide(source("scoped/app", "{\"tag\":\"v1\"}", MAIN), deadline(), false).reason())
                .isEqualTo("AllowedUnsigned");
        assertThat(lookups).hasValue(1);
    }

    @Test
    void aMissingOrLooserSpecVerifyIsDeniedWithoutRegistryCalls() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<PolicySnapshot> p = new AtomicReference<>(snapshot(1, "Enforce", "[refs/heads/main]", Uncovered.DENY));
        String repo = SignedArtifacts.uniqueRepo("gate", "x");
        assertThat(gate(p, calls).decide(source(repo, "{\"tag\":\"latest\"}", null), deadline(), false))
                .isInstanceOfSatisfying(GateDecision.Denied.class, n -> {
                    assertThat(n.reason()).isEqualTo("VerificationSpecRejected");
                    assertThat(n.message()).contains("spec.verify: is required");
                });
        assertThat(gate(p, calls).decide(source(repo, "{\"tag\":\"latest\"}", verifyFor("refs/.*")), deadline(), false))
                .isInstanceOfSatisfying(GateDecision.Denied.class,
                        n -> assertThat(n.message()).contains("spec.verify.matchOIDCIdentity[0]: accepts issuer "
                                + "\"https://token.actions.githubusercontent.com\" with subject"));
        assertThat(calls).hasValue(0);
    }

    /**
     * Verification requires every covering policy; so does the spec check. A spec accepting main only is as
     * strict as the main policy, but Flux would accept main-branch signatures the tags policy rejects.
     */
    @Test
    void theSpecCheckRequiresEveryCoveringPolicyNotAnyOne() throws Exception {
        String yaml = """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: main}
                spec:
                  sources: ["oci://%1$s/gate-*"]
                  authorities:
                    - keyless:
                        issuer: https://token.actions.githubusercontent.com
                        github: {repository: acme/fleet, refs: [refs/heads/main]}
                ---
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: releases}
                spec:
                  sources: ["oci://%1$s/gate-*"]
                  authorities:
                    - keyless:
                        issuer: https://token.actions.githubusercontent.com
                        github: {repository: acme/fleet, refs: ["refs/tags/*"]}
                """.formatted(artifacts.host());
        AtomicReference<PolicySnapshot> p = new AtomicReference<>(
                PolicySnapshot.compile(1, PolicyDocuments.parse("test", yaml), Uncovered.DENY));
        assertThat(p.get().problems()).isEmpty();
        AtomicInteger calls = new AtomicInteger();
        assertThat(gate(p, calls).decide(source(SignedArtifacts.uniqueRepo("gate", "x"), "{\"tag\":\"latest\"}", MAIN),
                deadline(), true)).isInstanceOfSatisfying(GateDecision.Denied.class, n -> {
                    assertThat(n.reason()).isEqualTo("VerificationSpecRejected");
                    assertThat(n.message()).contains("weaker than policy releases:").contains(
                            "with subject \"https://github.com/acme/fleet/.github/workflows/push-artifact.yaml@refs/heads/main\", "
                            + "which policy releases rejects");
                });
        assertThat(calls).hasValue(0);
    }

    @Test
    void aPulledArtifactIsJudgedBySignatureWithoutAVerificationSpec() throws Exception {
        // A FluxInstance's distribution artifact: Flux Operator pulls it and has no spec.verify to hold to the policy.
        String repo = SignedArtifacts.uniqueRepo("gate", "manifests");
        Digest d = artifacts.publish(repo, "latest");
        artifacts.signBundle(repo, d, SigningRequest.github());
        AtomicReference<PolicySnapshot> p = new AtomicReference<>(snapshot(1, "Enforce", "[refs/heads/main]", Uncovered.DENY));
        OciSourceGate gate = gate(p, new AtomicInteger());
        OciSource pulled = source(repo, "{\"tag\":\"latest\"}", null);
        assertThat(gate.decide(pulled, deadline(), false)).isInstanceOfSatisfying(GateDecision.Denied.class,
                n -> assertThat(n.reason()).isEqualTo("VerificationSpecRejected"));
        assertThat(gate.decidePulledArtifact(pulled, deadline(), false)).isInstanceOfSatisfying(GateDecision.Allowed.class,
                a -> {
                    assertThat(a.reason()).isEqualTo("Verified");
                    assertThat(a.digest()).isEqualTo(d);
                });
        assertThat(gate.decidePulledArtifact(pulled, deadline(), true)).isInstanceOfSatisfying(GateDecision.Allowed.class,
                a -> assertThat(a.reason()).isEqualTo("CheckedOffline"));
        Digest unsigned = artifacts.publish(repo, "latest");
        assertThat(gate.decidePulledArtifact(pulled, deadline(), false)).isInstanceOfSatisfying(GateDecision.Denied.class,
                n -> assertThat(n.message()).contains(unsigned.toString()).contains("SIGNATURE_PRESENT"));
        assertThat(gate.decidePulledArtifact(source("elsewhere/x", "{\"tag\":\"latest\"}", null), deadline(), true))
                .isInstanceOfSatisfying(GateDecision.Denied.class, n -> assertThat(n.reason()).isEqualTo("NotCovered"));
    }

    @Test
    void offlineChecksEverythingButTheSignature() throws Exception {
        AtomicReference<PolicySnapshot> p = new AtomicReference<>(snapshot(1, "Enforce", "[refs/heads/main]", Uncovered.DENY));
        OciSourceGate offline = new OciSourceGate(p::get, (s, d) -> {
            throw new AssertionError("offline must not reach a registry");
        }, signatures, DecisionCache.defaults());
        assertThat(offline.decide(source("gate-x/app", "{\"tag\":\"latest\"}", MAIN), deadline(), true))
                .isInstanceOfSatisfying(GateDecision.Allowed.class, a -> {
                    assertThat(a.reason()).isEqualTo("CheckedOffline");
                    assertThat(a.warnings()).containsExactly("the artifact's signature was not checked (offline)");
                });
    }

    @Test
    void semverPicksTheHighestMatchingTagAsFluxWould() throws Exception {
        String repo = SignedArtifacts.uniqueRepo("gate", "frontend");
        Digest v1 = artifacts.publish(repo, "v1.0.0");
        artifacts.signBundle(repo, v1, SigningRequest.keyless(Identity.github().ref("refs/tags/frontend/v1.0.0").build()).build());
        artifacts.publish(repo, "v1.1.0");
        artifacts.publish(repo, "v2.0.0-rc.1");
        AtomicReference<PolicySnapshot> p = new AtomicReference<>(snapshot(1, "Enforce", "[\"refs/tags/*\"]", Uncovered.DENY));
        OciSourceGate gate = gate(p, new AtomicInteger());
        String tags = verifyFor("refs/tags/.+");
        assertThat(gate.decide(source(repo, "{\"semver\":\">=1.0.0\"}", tags), deadline(), false))
                .isInstanceOfSatisfying(GateDecision.Denied.class, n -> assertThat(n.message()).contains(":v1.1.0@"));
        assertThat(gate.decide(source(repo, "{\"semver\":\"<1.1.0\"}", tags), deadline(), false))
                .isInstanceOfSatisfying(GateDecision.Allowed.class, a -> assertThat(a.digest()).isEqualTo(v1));
        assertThat(gate.decide(source(repo, "{\"semver\":\">=3.0.0\"}", tags), deadline(), false))
                .isInstanceOfSatisfying(GateDecision.Denied.class, n -> assertThat(n.reason()).isEqualTo("NoMatchingTag"));
    }

    /**
     * An OCIRepository that pulls a Helm chart (Flux's recommended form for OCI charts) reads its tags as chart
     * versions for semver, as source-controller does for that layer: 1.1.0_b is 1.1.0+b and outranks 1.0.0.
     */
    @Test
    void semverOverAChartLayerReadsUnderscoreAsBuildMetadata() throws Exception {
        String repo = SignedArtifacts.uniqueRepo("gate", "frontend");
        Digest v1 = artifacts.publish(repo, "1.0.0");
        artifacts.signBundle(repo, v1, SigningRequest.keyless(Identity.github().ref("refs/tags/frontend/1.0.0").build()).build());
        artifacts.publish(repo, "1.1.0_b");
        OciSourceGate gate = gate(new AtomicReference<>(snapshot(1, "Enforce", "[\"refs/tags/*\"]", Uncovered.DENY)),
                new AtomicInteger());
        String verify = verifyFor("refs/tags/.+");
        String chartLayer = ",\"layerSelector\":{\"mediaType\":\"" + SemverTags.HELM_CHART_LAYER + "\"}";

        assertThat(gate.decide(source(repo, "{\"semver\":\">=1.0.0\"}" + chartLayer, verify), deadline(), false))
                .isInstanceOfSatisfying(GateDecision.Denied.class, n -> assertThat(n.message()).contains(":1.1.0_b@"));
        assertThat(gate.decide(source(repo, "{\"semver\":\">=1.0.0\"}", verify), deadline(), false))
                .as("without the chart layer, 1.1.0_b is no version").isInstanceOfSatisfying(GateDecision.Allowed.class,
                        a -> assertThat(a.digest()).isEqualTo(v1));
    }

    @Test
    void warnModeAdmitsWithAWarningAndOutagesAreUnavailable() throws Exception {
        String repo = SignedArtifacts.uniqueRepo("gate", "frontend");
        Digest unsigned = artifacts.publish(repo, "latest");
        AtomicReference<PolicySnapshot> warn = new AtomicReference<>(snapshot(1, "Warn", "[refs/heads/main]", Uncovered.DENY));
        String subject = "oci://" + artifacts.host() + "/" + repo + ":latest@" + unsigned;
        assertThat(gate(warn, new AtomicInteger()).decide(source(repo, "{\"tag\":\"latest\"}", MAIN), deadline(), false))
                .isInstanceOfSatisfying(GateDecision.Allowed.class, a -> {
                    assertThat(a.reason()).isEqualTo("AllowedWithWarnings");
                    assertThat(a.message()).isEqualTo(subject + " is not verified as policy apps requires: admitted "
                            + "because it is in mode Warn, which warns instead of denying");
                    assertThat(a.warnings()).containsExactly("Warn: " + subject + " is not signed as policy apps "
                            + "requires: SIGNATURE_PRESENT [artifact]: no cosign signature found for " + unsigned
                            + ": neither a Sigstore bundle referrer nor the legacy tag "
                            + unsigned.toString().replace(':', '-') + ".sig");
                });
        AtomicReference<PolicySnapshot> enforce = new AtomicReference<>(snapshot(1, "Enforce", "[refs/heads/main]", Uncovered.DENY));
        OciSourceGate down = new OciSourceGate(enforce::get, (s, d) -> {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "connection refused");
        }, signatures, DecisionCache.defaults());
        assertThat(down.decide(source(repo, "{\"tag\":\"latest\"}", MAIN), deadline(), false))
                .isInstanceOfSatisfying(GateDecision.Unavailable.class, u -> assertThat(u.message())
                        .contains("(unavailable): connection refused; nothing was admitted"));
    }
}
