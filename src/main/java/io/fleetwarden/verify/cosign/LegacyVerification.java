package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.policy.SignerIdentity;
import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.Evidence;
import io.fleetwarden.verify.LegacySignature;
import io.fleetwarden.verify.SignatureVerdict;
import io.fleetwarden.verify.TrustAnchor;
import java.io.IOException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A legacy cosign signature (one simple-signing layer of a {@code sha256-<hex>.sig} manifest), verified fully
 * offline as cosign does with {@code --offline}: payload claims, signature, Fulcio chain and SCT, and the Rekor
 * SET from the {@code dev.sigstore.cosign/bundle} annotation. sigstore-java 2.0.0 cannot do this (it refuses
 * SET-only log evidence). Independent checks all run, so a person sees every problem of the signature at once.
 * The {@code rfc3161timestamp} annotation is not used: keyless signatures need the SET.
 */
final class LegacyVerification {

    static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    static final int MAX_ANNOTATION_CHARS = 256 * 1024;
    static final String SIGNATURE_TYPE = "cosign container image signature";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SigningTimes times;

    LegacyVerification(SigningTimes times) {
        this.times = times;
    }

    SignatureVerdict verify(LegacySignature sig, Digest artifact, TrustAnchor anchor, LoadedRoot root) {
        Failures f = new Failures(sig.label());
        for (var a : sig.annotations().entrySet()) {
            if (a.getValue() != null && a.getValue().length() > MAX_ANNOTATION_CHARS) {
                return Failures.single(sig.label(), Check.SIGNATURE_FORMAT, "annotation " + a.getKey() + " is longer than "
                        + MAX_ANNOTATION_CHARS + " characters");
            }
        }
        byte[] payload = sig.payload();
        if (payload == null || payload.length > MAX_PAYLOAD_BYTES) {
            return Failures.single(sig.label(), Check.SIGNATURE_FORMAT, payload == null ? "the payload is missing"
                    : "the simple-signing payload is larger than " + MAX_PAYLOAD_BYTES + " bytes (" + payload.length + ")");
        }
        checkPayload(payload, artifact, f);
        byte[] signature = decodeSignature(sig, f);

        X509Certificate leaf = null;
        List<X509Certificate> chain = List.of();
        PublicKey key = anchor.publicKey();
        if (!anchor.isKeyBased()) {
            String pem = sig.annotations().get(LegacySignature.CERTIFICATE);
            if (pem == null || pem.isBlank()) {
                f.add(Check.CERTIFICATE_CHAIN, "no " + LegacySignature.CERTIFICATE + " annotation: a keyless signature "
                        + "needs its Fulcio certificate");
            } else {
                try {
                    leaf = Encodings.certificates(LegacySignature.CERTIFICATE + " annotation", pem).get(0);
                    key = leaf.getPublicKey();
                    String chainPem = sig.annotations().get(LegacySignature.CHAIN);
                    if (chainPem != null && !chainPem.isBlank()) {
                        chain = Encodings.certificates(LegacySignature.CHAIN + " annotation", chainPem);
                    }
                } catch (IllegalArgumentException e) {
                    f.add(Check.SIGNATURE_FORMAT, e.getMessage());
                }
            }
            if (leaf != null) {
                FulcioChain.verify(root, leaf, chain, f);
            }
        }
        if (key != null && signature != null && !KeySignatures.verifies(key, payload, signature)) {
            f.add(Check.SIGNATURE, "the signature does not verify over the payload with "
                    + (anchor.isKeyBased() ? "the given public key" : "the certificate's key"));
        }

        LegacyLogEvidence.Entry entry = LegacyLogEvidence.verify(sig, anchor, root, payload, signature, leaf, key, f);
        Instant integrated = entry == null ? null : entry.integratedTime();
        if (integrated != null) {
            if (leaf != null) {
                SigningTimes.checkIntegratedTime(leaf, integrated, f);
            }
            times.checkNotInFuture(List.of(integrated), f);
            if (!f.has(Check.CERTIFICATE_CHAIN) && root != null) {
                List<X509Certificate> presented = new ArrayList<>();
                if (leaf != null) {
                    presented.add(leaf);
                    presented.addAll(chain);
                }
                AuthorityValidity.check(root.root(), presented, entry.logId(), List.of(integrated), f);
            }
        }

        SignerIdentity signer = null;
        if (anchor.isKeyBased()) {
            signer = SignerIdentity.ofKey(CertificateClaims.keyId(anchor.publicKey()));
        } else if (leaf != null) {
            signer = CertificateClaims.identityOf(leaf, f);
        }
        if (!f.isEmpty()) {
            return f.verdict();
        }
        Set<Evidence> evidence = EnumSet.of(Evidence.LEGACY_SIGNATURE_TAG);
        evidence.addAll(anchor.isKeyBased() ? Set.of(Evidence.PUBLIC_KEY) : Set.of(Evidence.CERTIFICATE_CHAIN, Evidence.SCT));
        if (integrated != null) {
            evidence.add(Evidence.SIGNED_ENTRY_TIMESTAMP);
        }
        return new SignatureVerdict.Valid(sig.label(), signer, evidence, integrated, null);
    }

    private static void checkPayload(byte[] payload, Digest artifact, Failures f) {
        JsonNode json;
        try {
            json = JSON.readTree(payload);
        } catch (IOException e) {
            f.add(Check.SIGNATURE_FORMAT, "the simple-signing payload is not valid JSON: " + e.getMessage());
            return;
        }
        if (json == null || !json.isObject()) {
            f.add(Check.SIGNATURE_FORMAT, "the simple-signing payload is not a JSON object");
            return;
        }
        JsonNode critical = json.path("critical");
        String type = critical.path("type").asText(null);
        if (!SIGNATURE_TYPE.equals(type)) {
            f.add(Check.PAYLOAD_TYPE, "critical.type is " + (type == null ? "missing" : "\"" + type + "\"")
                    + ", expected \"" + SIGNATURE_TYPE + "\"");
        }
        String signed = critical.path("image").path("docker-manifest-digest").asText(null);
        if (!artifact.toString().equals(signed)) {
            f.add(Check.ARTIFACT_DIGEST, "the payload signs " + (signed == null ? "no digest" : signed)
                    + " (critical.image.docker-manifest-digest), not " + artifact);
        }
    }

    private static byte[] decodeSignature(LegacySignature sig, Failures f) {
        try {
            byte[] bytes = Encodings.base64("the " + LegacySignature.SIGNATURE + " annotation",
                    sig.annotations().get(LegacySignature.SIGNATURE));
            if (bytes.length == 0) {
                f.add(Check.SIGNATURE_FORMAT, "the " + LegacySignature.SIGNATURE + " annotation is empty");
                return null;
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            f.add(Check.SIGNATURE_FORMAT, e.getMessage());
            return null;
        }
    }
}
