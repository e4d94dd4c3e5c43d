package io.fleetwarden.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.policy.Authority;
import io.fleetwarden.policy.KeylessAuthority;
import io.fleetwarden.policy.StringMatch;
import io.fleetwarden.policy.TagRefBinding;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.sigstore.GithubIdentity;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.SigningRequest;
import io.fleetwarden.testing.sigstore.Tamper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tamper matrix of the verification core, end to end: artifacts in a real registry, signed by the
 * local Sigstore in both cosign formats, each with exactly one defect, verified by the production
 * verifier. Every tampered row must be rejected for its own reason (and only that reason); the untampered
 * rows must verify.
 */
class TamperMatrixTest {

    /** BUNDLE_REKOR_V2: cosign v3 signing to Rekor v2 (dsse 0.0.2 entry, checkpoint, RFC 3161 timestamp). */
    enum Format { LEGACY_TAG, BUNDLE_REFERRER, BUNDLE_REKOR_V2 }

    static SignedArtifacts artifacts;
    static ArtifactVerifier verifier;

    @BeforeAll
    static void start() {
        artifacts = SignedArtifacts.onSharedRegistry();
        verifier = artifacts.verifier();
    }

    @AfterAll
    static void stop() {
        artifacts.close();
    }

    /** acme/fleet's push-artifact.yaml on main, any subject on GitHub, the D2 tag binding. */
    static KeylessAuthority staging() {
        return new KeylessAuthority("staging", "local", Authority.COSIGN_SIGN_PREDICATE,
                StringMatch.exact(GithubIdentity.ACTIONS_ISSUER), StringMatch.regex("^https://github\\.com/.+$"),
                "https://github.com/acme/fleet", ".github/workflows/push-artifact.yaml", List.of("refs/heads/main"),
                Set.of("push"), "github-hosted", TagRefBinding.D2_DEFAULT);
    }

    record Row(String name, Format format, SigningRequest request, UnaryOperator<KeylessAuthority> policy, String tag,
            Set<Check> expected) {
        @Override
        public String toString() {
            return name + " [" + format + "]";
        }
    }

    static SigningRequest github(UnaryOperator<GithubIdentity.Builder> id, Tamper... tampers) {
        return SigningRequest.keyless(id.apply(Identity.github()).build()).tamper(tampers).build();
    }

    static SigningRequest v2(Tamper... tampers) {
        return SigningRequest.keyless(Identity.github().build()).rekorV2().tamper(tampers).build();
    }

    /** The Rekor v2 evidence: each defect refused by the check it belongs to. */
    static List<Row> rekorV2Rows() {
        Format f = Format.BUNDLE_REKOR_V2;
        UnaryOperator<KeylessAuthority> same = a -> a;
        return List.of(
                new Row("untampered", f, v2(), same, "latest", Set.of()),
                new Row("untampered, cosign v3 statement", f, SigningRequest.keyless(Identity.github().build())
                        .subjectName(null).rekorV2().build(), same, "latest", Set.of()),
                new Row("body altered after logging", f, v2(Tamper.TLOG_BODY_ALTERED), same, "latest",
                        Set.of(Check.TLOG_ENTRY, Check.TLOG_BODY)),
                new Row("log entry of another signature", f, v2(Tamper.TLOG_BODY_OF_OTHER_SIGNATURE), same, "latest",
                        Set.of(Check.TLOG_BODY)),
                new Row("checkpoint by another log key", f, v2(Tamper.CHECKPOINT_BY_UNKNOWN_KEY), same, "latest",
                        Set.of(Check.TLOG_ENTRY)),
                new Row("broken inclusion proof", f, v2(Tamper.BROKEN_INCLUSION_PROOF), same, "latest",
                        Set.of(Check.TLOG_ENTRY)),
                new Row("no timestamp", f, v2(Tamper.TIMESTAMP_MISSING), same, "latest",
                        Set.of(Check.RFC3161_TIMESTAMP)),
                new Row("timestamp over other bytes", f, v2(Tamper.TIMESTAMP_OVER_OTHER_BYTES), same, "latest",
                        Set.of(Check.RFC3161_TIMESTAMP)),
                new Row("timestamp by a TSA not in the root", f, v2(Tamper.TIMESTAMP_BY_UNKNOWN_TSA), same, "latest",
                        Set.of(Check.RFC3161_TIMESTAMP)),
                new Row("certificate expired at the timestamp's time", f,
                        v2(Tamper.INTEGRATED_TIME_OUTSIDE_CERT_VALIDITY), same, "latest", Set.of(Check.RFC3161_TIMESTAMP)),
                new Row("signature over another payload", f, v2(Tamper.SIGNATURE_OVER_OTHER_PAYLOAD), same, "latest",
                        Set.of(Check.SIGNATURE)),
                new Row("certificate from an unknown CA", f, v2(Tamper.CERT_FROM_UNKNOWN_CA), same, "latest",
                        Set.of(Check.CERTIFICATE_CHAIN)));
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>(rekorV2Rows());
        for (Format f : List.of(Format.LEGACY_TAG, Format.BUNDLE_REFERRER)) {
            boolean bundle = f == Format.BUNDLE_REFERRER;
            UnaryOperator<KeylessAuthority> same = a -> a;
            rows.add(new Row("untampered, only in this format", f, github(b -> b), same, "latest", Set.of()));
            if (bundle) {
                // Exactly what cosign v3 `sign` writes: an in-toto subject without a name.
                rows.add(new Row("untampered, cosign v3 statement", f,
                        SigningRequest.keyless(Identity.github().build()).subjectName(null).build(), same, "latest", Set.of()));
            }
            rows.add(new Row("wrong issuer", f, github(b -> b.issuer("https://accounts.example.com")), same, "latest",
                    Set.of(Check.ISSUER)));
            rows.add(new Row("wrong subject", f, github(b -> b), a -> withSubject(a,
                    "https://github.com/acme/fleet/.github/workflows/push-artifact.yaml@refs/heads/release"), "latest",
                    Set.of(Check.SUBJECT)));
            rows.add(new Row("other repository", f, github(b -> b.repository("evil/fleet")), same, "latest",
                    Set.of(Check.SOURCE_REPOSITORY)));
            rows.add(new Row("other workflow", f, github(b -> b.workflowFile("evil.yaml")), same, "latest",
                    Set.of(Check.WORKFLOW)));
            rows.add(new Row("other ref (pinned by digest)", f, github(b -> b.ref("refs/pull/1/merge")), same, null,
                    Set.of(Check.SOURCE_REF)));
            rows.add(new Row("tag/ref mismatch", f, github(b -> b), same, "v1.2.3", Set.of(Check.TAG_REF_BINDING)));
            rows.add(new Row("manual trigger", f, github(b -> b.trigger("workflow_dispatch")), same, "latest",
                    Set.of(Check.BUILD_TRIGGER)));
            rows.add(new Row("digest of another artifact", f, github(b -> b,
                    bundle ? Tamper.DSSE_SUBJECT_OTHER_DIGEST : Tamper.PAYLOAD_DIGEST_OF_OTHER_ARTIFACT), same, "latest",
                    Set.of(Check.ARTIFACT_DIGEST)));
            rows.add(new Row("certificate expired at integrated time", f, github(b -> b,
                    Tamper.INTEGRATED_TIME_OUTSIDE_CERT_VALIDITY), same, "latest", Set.of(Check.INTEGRATED_TIME)));
            rows.add(new Row("SET by an unknown key", f, github(b -> b, Tamper.SET_BY_UNKNOWN_KEY), same, "latest",
                    Set.of(Check.TLOG_ENTRY)));
            rows.add(new Row("SCT by an unknown CT log", f, github(b -> b, Tamper.SCT_BY_UNKNOWN_LOG), same, "latest",
                    Set.of(Check.SCT)));
            rows.add(new Row("certificate from an unknown CA", f, github(b -> b, Tamper.CERT_FROM_UNKNOWN_CA), same,
                    "latest", Set.of(Check.CERTIFICATE_CHAIN)));
            rows.add(new Row("signature over another payload", f, github(b -> b, Tamper.SIGNATURE_OVER_OTHER_PAYLOAD),
                    same, "latest", Set.of(Check.SIGNATURE)));
            rows.add(new Row("log entry of another signature", f, github(b -> b, Tamper.TLOG_BODY_OF_OTHER_SIGNATURE),
                    same, "latest", Set.of(Check.TLOG_BODY)));
            if (bundle) {
                rows.add(new Row("broken inclusion proof", f, github(b -> b, Tamper.BROKEN_INCLUSION_PROOF), same,
                        "latest", Set.of(Check.TLOG_ENTRY)));
                rows.add(new Row("checkpoint by an unknown key", f, github(b -> b, Tamper.CHECKPOINT_BY_UNKNOWN_KEY), same,
                        "latest", Set.of(Check.TLOG_ENTRY)));
                rows.add(new Row("wrong predicate type", f, SigningRequest.keyless(Identity.github().build())
                        .predicateType("https://slsa.dev/provenance/v1").build(), same, "latest",
                        Set.of(Check.PREDICATE_TYPE)));
            } else {
                rows.add(new Row("wrong simple-signing type", f, github(b -> b, Tamper.PAYLOAD_TYPE_WRONG), same, "latest",
                        Set.of(Check.PAYLOAD_TYPE)));
            }
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachRowIsJudgedForItsOwnReason(Row row) {
        String repo = SignedArtifacts.uniqueRepo("tamper", "frontend");
        String tag = row.tag() == null ? "latest" : row.tag();
        Digest digest = artifacts.publish(repo, tag);
        if (row.format() == Format.LEGACY_TAG) {
            artifacts.signLegacy(repo, digest, row.request());
        } else {
            artifacts.signBundle(repo, digest, row.request());
        }
        OciReference ref = row.tag() == null ? artifacts.ref(repo, tag).withTag(null).withDigest(digest)
                : artifacts.ref(repo, tag);

        VerificationResult result = verifier.verify(ref, List.of(row.policy().apply(staging())), deadline());

        if (row.expected().isEmpty()) {
            assertThat(result).isInstanceOfSatisfying(VerificationResult.Verified.class, v -> {
                assertThat(v.digest()).isEqualTo(digest);
                if (row.format() == Format.BUNDLE_REKOR_V2) {
                    assertThat(v.evidence()).contains(Evidence.BUNDLE_REFERRER, Evidence.CERTIFICATE_CHAIN, Evidence.SCT,
                            Evidence.INCLUSION_PROOF, Evidence.CHECKPOINT, Evidence.RFC3161_TIMESTAMP)
                            .doesNotContain(Evidence.SIGNED_ENTRY_TIMESTAMP);
                } else {
                    assertThat(v.evidence()).contains(row.format() == Format.LEGACY_TAG ? Evidence.LEGACY_SIGNATURE_TAG
                            : Evidence.BUNDLE_REFERRER, Evidence.CERTIFICATE_CHAIN, Evidence.SCT,
                            Evidence.SIGNED_ENTRY_TIMESTAMP);
                }
                assertThat(v.signer().sourceRepository()).isEqualTo("https://github.com/acme/fleet");
            });
            return;
        }
        assertThat(result).as(result.toString()).isInstanceOfSatisfying(VerificationResult.NotVerified.class,
                n -> assertThat(n.failures().stream().map(CheckFailure::check).collect(Collectors.toSet()))
                        .as(n.summary()).isEqualTo(row.expected()));
    }

    static KeylessAuthority withSubject(KeylessAuthority a, String subject) {
        return new KeylessAuthority(a.name(), a.trustedRoot(), a.predicateType(), a.issuer(), StringMatch.exact(subject),
                a.sourceRepository(), a.workflow(), a.refs(), a.buildTriggers(), a.runnerEnvironment(), a.tagRefBinding());
    }

    static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(10));
    }
}
