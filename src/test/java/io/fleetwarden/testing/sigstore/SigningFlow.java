package io.fleetwarden.testing.sigstore;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One signing: get a key (and a certificate), sign the payload, log it, and apply the request's tampers at the
 * single place each defect belongs.
 */
final class SigningFlow {

    private static final String WRONG_SIMPLE_SIGNING_TYPE = "atomic container signature";
    private static final String WRONG_PAYLOAD_TYPE = "application/vnd.dev.fleetwarden.wrong+json";
    private static final String WRONG_PREDICATE_TYPE = "https://slsa.dev/provenance/v1";

    private final LocalSigstore local;
    private final SigningRequest request;
    private final Instant integratedTime;
    private final Signer signer;

    SigningFlow(LocalSigstore local, SigningRequest request, Tamper.Format format) {
        this.local = local;
        this.request = request;
        boolean keyless = request.identity() != null;
        for (Tamper t : request.tampers()) {
            if (!t.appliesTo(format, keyless, request.tlog())) {
                throw new IllegalArgumentException("tamper " + t + " does not apply to a " + format + " signature"
                        + (keyless ? "" : " made with a key") + (request.tlog() ? "" : " without tlog"));
            }
        }
        for (Tamper t : request.tampers()) {
            if (request.rekorV2() ? Tamper.REKOR_V1_ONLY.contains(t) : Tamper.REKOR_V2_ONLY.contains(t)) {
                throw new IllegalArgumentException("tamper " + t + " does not apply to a Rekor "
                        + (request.rekorV2() ? "v2" : "v1") + " entry");
            }
        }
        if (request.rekorV2() && format != Tamper.Format.DSSE) {
            throw new IllegalArgumentException("Rekor v2 signing is implemented for DSSE bundles only");
        }
        if (format != Tamper.Format.LEGACY && !request.tlog()) {
            throw new IllegalArgumentException("a Sigstore bundle needs a transparency log entry");
        }
        integratedTime = request.integratedTime() == null ? local.now()
                : request.integratedTime().truncatedTo(ChronoUnit.SECONDS);
        signer = keyless ? keylessSigner() : new Signer(request.key(), null, List.of());
    }

    LegacySigned legacy(String manifestDigest, String dockerReference) {
        String hex = sha256Hex(manifestDigest);
        String type = request.has(Tamper.PAYLOAD_TYPE_WRONG) ? WRONG_SIMPLE_SIGNING_TYPE : Payloads.COSIGN_TYPE;
        String digest = "sha256:" + (request.has(Tamper.PAYLOAD_DIGEST_OF_OTHER_ARTIFACT) ? other(hex) : hex);
        byte[] payload = Payloads.simpleSigning(dockerReference, digest, type);
        byte[] otherPayload = Payloads.simpleSigning(dockerReference, "sha256:" + other(hex), type);
        byte[] signature = sign(request.has(Tamper.SIGNATURE_OVER_OTHER_PAYLOAD) ? otherPayload : payload);
        LogEntry entry = null;
        if (request.tlog()) {
            byte[] body = request.has(Tamper.TLOG_BODY_OF_OTHER_SIGNATURE)
                    ? RekorBodies.hashedRekord(Crypto.sha256(otherPayload), sign(otherPayload), signer.verifierPem())
                    : RekorBodies.hashedRekord(Crypto.sha256(payload), signature, signer.verifierPem());
            entry = log(body);
        }
        return LegacyWriter.write(payload, signature, signer, entry);
    }

    byte[] dsse(String subjectDigest) {
        String hex = sha256Hex(subjectDigest);
        String subject = request.has(Tamper.DSSE_SUBJECT_OTHER_DIGEST) ? other(hex) : hex;
        String predicate = request.has(Tamper.WRONG_PREDICATE_TYPE) ? WRONG_PREDICATE_TYPE : request.predicateType();
        String payloadType = request.has(Tamper.PAYLOAD_TYPE_WRONG) ? WRONG_PAYLOAD_TYPE : RekorBodies.DSSE_PAYLOAD_TYPE;
        byte[] statement = Payloads.inTotoStatement(request.subjectName(), subject, predicate);
        byte[] otherStatement = Payloads.inTotoStatement(request.subjectName(), other(subject), predicate);
        byte[] signature = sign(RekorBodies.pae(payloadType,
                request.has(Tamper.SIGNATURE_OVER_OTHER_PAYLOAD) ? otherStatement : statement));
        if (request.rekorV2()) {
            return dsseV2(statement, otherStatement, payloadType, signature);
        }
        byte[] body = request.has(Tamper.TLOG_BODY_OF_OTHER_SIGNATURE)
                ? RekorBodies.dsse(otherStatement, payloadType, sign(RekorBodies.pae(payloadType, otherStatement)),
                        signer.verifierPem())
                : RekorBodies.dsse(statement, payloadType, signature, signer.verifierPem());
        return BundleWriter.dsse(signer, log(body), statement, payloadType, signature);
    }

    /**
     * cosign v3 with {@code --with-default-rekor-v2}: a dsse 0.0.2 entry in the v2 log (checkpoint, no SET, no
     * integrated time) and an RFC 3161 timestamp over the signature at the signing time.
     */
    private byte[] dsseV2(byte[] statement, byte[] otherStatement, String payloadType, byte[] signature) {
        byte[] body = request.has(Tamper.TLOG_BODY_OF_OTHER_SIGNATURE)
                ? RekorBodies.dsseV2(otherStatement, sign(RekorBodies.pae(payloadType, otherStatement)), signer)
                : RekorBodies.dsseV2(statement, signature, signer);
        PrivateKey checkpointKey = request.has(Tamper.CHECKPOINT_BY_UNKNOWN_KEY)
                ? local.rogues().v2LogKey().getPrivate() : null;
        LogEntry entry = local.rekorV2().append(body, checkpointKey);
        if (request.has(Tamper.BROKEN_INCLUSION_PROOF)) {
            entry = breakProof(entry);
        }
        if (request.has(Tamper.TLOG_BODY_ALTERED)) {
            byte[] altered = entry.body().clone();
            int at = new String(altered, java.nio.charset.StandardCharsets.UTF_8).indexOf("\"digest\":\"") + 10;
            altered[at] = (byte) (altered[at] == 'A' ? 'B' : 'A');
            entry = new LogEntry(entry.logIndex(), 0, entry.logIdHex(), altered, null, entry.treeSize(),
                    entry.proofHashes(), entry.rootHash(), entry.checkpoint());
        }
        byte[] timestamp = null;
        if (!request.has(Tamper.TIMESTAMP_MISSING)) {
            TimestampAuthority tsa = request.has(Tamper.TIMESTAMP_BY_UNKNOWN_TSA) ? local.rogues().tsa() : local.tsa();
            timestamp = tsa.stamp(request.has(Tamper.TIMESTAMP_OVER_OTHER_BYTES) ? otherBytes(signature) : signature,
                    integratedTime);
        }
        return BundleWriter.dsse(signer, entry, statement, payloadType, signature, timestamp);
    }

    byte[] message(byte[] sha256) {
        byte[] digest = request.has(Tamper.PAYLOAD_DIGEST_OF_OTHER_ARTIFACT) ? other(sha256) : sha256;
        PrivateKey key = signer.key().getPrivate();
        byte[] signature = Crypto.signDigest(key,
                request.has(Tamper.SIGNATURE_OVER_OTHER_PAYLOAD) ? other(digest) : digest);
        byte[] body = request.has(Tamper.TLOG_BODY_OF_OTHER_SIGNATURE)
                ? RekorBodies.hashedRekord(other(digest), Crypto.signDigest(key, other(digest)), signer.verifierPem())
                : RekorBodies.hashedRekord(digest, signature, signer.verifierPem());
        return BundleWriter.messageSignature(signer, log(body), digest, signature);
    }

    private Signer keylessSigner() {
        Instant notBefore = request.certNotBefore() != null ? request.certNotBefore()
                : integratedTime.minus(Duration.ofMinutes(1));
        Instant notAfter = request.certNotAfter() != null ? request.certNotAfter()
                : integratedTime.plus(Duration.ofMinutes(10));
        if (request.has(Tamper.INTEGRATED_TIME_OUTSIDE_CERT_VALIDITY)) {
            notBefore = integratedTime.minus(Duration.ofMinutes(20));
            notAfter = integratedTime.minus(Duration.ofMinutes(10));
        }
        FulcioCa ca = request.has(Tamper.CERT_FROM_UNKNOWN_CA) ? local.rogues().ca() : local.ca();
        CtLog ctLog = request.has(Tamper.SCT_BY_UNKNOWN_LOG) ? local.rogues().ctLog() : local.ctLog();
        KeyPair key = Crypto.newP256KeyPair();
        return new Signer(key, ca.issue(key.getPublic(), request.identity(), notBefore.truncatedTo(ChronoUnit.SECONDS),
                notAfter.truncatedTo(ChronoUnit.SECONDS), ctLog), ca.chain());
    }

    private LogEntry log(byte[] body) {
        RekorLog rekor = local.rekor();
        PrivateKey setKey = request.has(Tamper.SET_BY_UNKNOWN_KEY) ? local.rogues().logKey().getPrivate() : null;
        PrivateKey checkpointKey = request.has(Tamper.CHECKPOINT_BY_UNKNOWN_KEY)
                ? local.rogues().logKey().getPrivate() : null;
        LogEntry entry = rekor.append(body, integratedTime.getEpochSecond(), setKey, checkpointKey);
        return request.has(Tamper.BROKEN_INCLUSION_PROOF) ? breakProof(entry) : entry;
    }

    /** Flips one bit of the leaf-side sibling: the path no longer leads to the (genuine, signed) root. */
    private static LogEntry breakProof(LogEntry e) {
        List<byte[]> hashes = new ArrayList<>(e.proofHashes());
        byte[] first = hashes.get(0).clone();
        first[0] ^= 1;
        hashes.set(0, first);
        return new LogEntry(e.logIndex(), e.integratedTime(), e.logIdHex(), e.body(), e.set(), e.treeSize(), hashes,
                e.rootHash(), e.checkpoint());
    }

    private byte[] sign(byte[] data) {
        return Crypto.sign(signer.key().getPrivate(), data);
    }

    /** A digest of "another artifact", derived so that tests are reproducible. */
    private static String other(String hex) {
        return Crypto.hex(Crypto.sha256("other:" + hex));
    }

    /** Other bytes than {@code bytes}, derived reproducibly. */
    private static byte[] otherBytes(byte[] bytes) {
        return Crypto.sha256(bytes);
    }

    private static byte[] other(byte[] sha256) {
        return HexFormat.of().parseHex(other(Crypto.hex(sha256)));
    }

    static String sha256Hex(String digest) {
        if (digest == null || !digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IllegalArgumentException("expected a digest sha256:<64 lowercase hex>, got " + digest);
        }
        return digest.substring("sha256:".length());
    }
}
