package io.fleetwarden.policy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who signed an artifact, as read from verified evidence: the Fulcio certificate's issuer, subject (SAN)
 * and GitHub Actions extensions, or the fingerprint of a cosign public key. Every field is null when the
 * evidence does not carry it; a policy that asks for a missing claim fails, it never matches "nothing".
 *
 * @param issuer            OIDC issuer (Fulcio OID 1.3.6.1.4.1.57264.1.8, or the legacy .1.1)
 * @param subject           the certificate's single SAN (for GitHub Actions: the job workflow ref)
 * @param sourceRepository  .1.12 source repository URI, {@code https://github.com/OWNER/REPO}
 * @param sourceRef         .1.14 source repository ref, {@code refs/heads/main}, {@code refs/tags/v1.2.3}
 * @param sourceDigest      .1.13 source repository commit
 * @param buildSignerUri    .1.9 the workflow that signed (for reusable workflows, the called one)
 * @param buildConfigUri    .1.18 the top-level workflow file at its ref
 * @param buildTrigger      .1.20 the event that started the run ({@code push}, {@code workflow_dispatch})
 * @param runnerEnvironment .1.11 {@code github-hosted} or {@code self-hosted}
 * @param keyId             sha256 fingerprint of the public key, for key-based signatures; null otherwise
 */
public record SignerIdentity(String issuer, String subject, String sourceRepository, String sourceRef,
        String sourceDigest, String buildSignerUri, String buildConfigUri, String buildTrigger,
        String runnerEnvironment, String keyId) {

    public static SignerIdentity ofKey(String keyId) {
        return new SignerIdentity(null, null, null, null, null, null, null, null, null, keyId);
    }

    public boolean isKey() {
        return keyId != null;
    }

    /** Non-null claims in a stable order, for JSON output and log lines. */
    public Map<String, String> claims() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "issuer", issuer);
        put(m, "subject", subject);
        put(m, "sourceRepository", sourceRepository);
        put(m, "sourceRef", sourceRef);
        put(m, "sourceDigest", sourceDigest);
        put(m, "buildSignerUri", buildSignerUri);
        put(m, "buildConfigUri", buildConfigUri);
        put(m, "buildTrigger", buildTrigger);
        put(m, "runnerEnvironment", runnerEnvironment);
        put(m, "keyId", keyId);
        return m;
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
