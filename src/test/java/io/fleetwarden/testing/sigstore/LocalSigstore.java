package io.fleetwarden.testing.sigstore;

import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A private Sigstore for tests and the demo: a Fulcio-like CA, a CT log, a Rekor v1 log, a Rekor v2 log (dsse
 * 0.0.2 entries, signed checkpoints), an RFC 3161 timestamp authority and the trusted root
 * that describes them, producing the real formats byte for byte — legacy cosign {@code .sig} layers and
 * Sigstore bundles v0.3 (DSSE in-toto and message signature) that sigstore-java 2.0.0 and cosign accept.
 * Creating one and signing take milliseconds; instances are thread-safe.
 *
 * <pre>{@code
 * LocalSigstore local = LocalSigstore.create();
 * byte[] bundle = local.signBundleDsse("sha256:" + hex, SigningRequest.github());
 * byte[] root = local.trustedRootJson();
 * }</pre>
 *
 * {@link Tamper}s produce signatures with exactly one defect, signed by {@linkplain Rogues untrusted twins}
 * of the trusted components where the defect needs one.
 */
public final class LocalSigstore {

    static final String ORGANIZATION = "fleetwarden.test";
    static final String CA_NAME = "fleetwarden-local";
    public static final String FULCIO_URL = "https://fulcio.fleetwarden.test";
    public static final String REKOR_URL = "https://rekor.fleetwarden.test";
    public static final String CTLOG_URL = "https://ctfe.fleetwarden.test";
    public static final String REKOR_V2_URL = "https://rekor-v2.fleetwarden.test";
    public static final String TSA_URL = "https://tsa.fleetwarden.test/api/v1/timestamp";

    private final Clock clock;
    private final TrustedRootOptions rootOptions;
    private final FulcioCa ca;
    private final CtLog ctLog;
    private final RekorLog rekor;
    private final String rekorV2Url;
    private final RekorV2Log rekorV2;
    private final TimestampAuthority tsa;
    private Rogues rogues;

    private LocalSigstore(Builder b) {
        clock = b.clock;
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        rootOptions = b.rootOptions != null ? b.rootOptions : TrustedRootOptions.allFrom(now.minus(1, ChronoUnit.DAYS));
        ca = new FulcioCa(ORGANIZATION, CA_NAME, now.minus(3650, ChronoUnit.DAYS), now.plus(3650, ChronoUnit.DAYS));
        ctLog = new CtLog(Crypto.newP256KeyPair());
        rekor = new RekorLog(Crypto.newP256KeyPair(), "rekor.fleetwarden.test", Crypto.RANDOM.nextLong() >>> 1);
        // A first entry so every real entry has a non-empty audit path, as on any live log.
        rekor.append(Crypto.canonicalJson("{\"genesis\":true}"), now.getEpochSecond());
        rekorV2Url = b.rekorV2Url;
        rekorV2 = new RekorV2Log(Crypto.newEd25519KeyPair(), origin(rekorV2Url));
        rekorV2.append(Crypto.canonicalJson("{\"genesis\":true}"), null);
        tsa = new TimestampAuthority("tsa", now.minus(3650, ChronoUnit.DAYS), now.plus(3650, ChronoUnit.DAYS));
    }

    /** The checkpoint origin rekor-tiles uses: the URL's host, with its port when the URL names one. */
    private static String origin(String url) {
        java.net.URI uri = java.net.URI.create(url);
        return uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    public static LocalSigstore create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The trusted root with the validity windows given to the builder (default: all valid from a day ago). */
    public byte[] trustedRootJson() {
        return trustedRootJson(rootOptions);
    }

    public byte[] trustedRootJson(TrustedRootOptions options) {
        return TrustedRootWriter.write(ca, FULCIO_URL, rekor.publicKey(), REKOR_URL, ctLog.publicKey(), CTLOG_URL,
                new TrustedRootWriter.V2(rekorV2Url, rekorV2.publicKey(), rekorV2.logId(), tsa, TSA_URL), options);
    }

    public TrustedRootOptions trustedRootOptions() {
        return rootOptions;
    }

    /** Legacy cosign signature of a manifest; see {@link LegacySigned}. */
    public LegacySigned signLegacy(String manifestDigest, String dockerReference, SigningRequest request) {
        return new SigningFlow(this, request, Tamper.Format.LEGACY).legacy(manifestDigest, dockerReference);
    }

    /** A v0.3 bundle with a DSSE in-toto statement whose subject is {@code subjectDigest} ({@code sha256:<hex>}). */
    public byte[] signBundleDsse(String subjectDigest, SigningRequest request) {
        return new SigningFlow(this, request, Tamper.Format.DSSE).dsse(subjectDigest);
    }

    /** A v0.3 bundle with a message signature over {@code artifact} (cosign sign-blob). */
    public byte[] signBundleMessage(byte[] artifact, SigningRequest request) {
        return signBundleMessageDigest(Crypto.sha256(artifact), request);
    }

    /** As {@link #signBundleMessage} for an artifact known only by its sha256. */
    public byte[] signBundleMessageDigest(byte[] sha256, SigningRequest request) {
        return new SigningFlow(this, request, Tamper.Format.MESSAGE).message(sha256);
    }

    /** A fresh P-256 key pair for key-based signing ({@link SigningRequest#withKey}). */
    public static KeyPair newSigningKey() {
        return Crypto.newP256KeyPair();
    }

    /** {@code -----BEGIN PUBLIC KEY-----} PEM, the form of a cosign {@code cosign.pub}. */
    public static String publicKeyPem(PublicKey key) {
        return Crypto.pem(key);
    }

    /** {@code -----BEGIN CERTIFICATE-----} PEM, as in the legacy certificate and chain annotations. */
    public static String certificatePem(X509Certificate cert) {
        return Crypto.pem(cert);
    }

    public X509Certificate rootCertificate() {
        return ca.root();
    }

    public X509Certificate intermediateCertificate() {
        return ca.intermediate();
    }

    public PublicKey rekorPublicKey() {
        return rekor.publicKey();
    }

    public PublicKey ctLogPublicKey() {
        return ctLog.publicKey();
    }

    /** Hex sha256 of Rekor's DER public key: the {@code logID} of SETs and legacy bundles. */
    public String rekorLogIdHex() {
        return rekor.logIdHex();
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    FulcioCa ca() {
        return ca;
    }

    CtLog ctLog() {
        return ctLog;
    }

    RekorLog rekor() {
        return rekor;
    }

    RekorV2Log rekorV2() {
        return rekorV2;
    }

    TimestampAuthority tsa() {
        return tsa;
    }

    /** Created on the first tamper that needs them, so untampered use pays nothing. */
    synchronized Rogues rogues() {
        if (rogues == null) {
            Instant now = now();
            rogues = new Rogues(new FulcioCa("rogue.test", "rogue", now.minus(3650, ChronoUnit.DAYS),
                    now.plus(3650, ChronoUnit.DAYS)), new CtLog(Crypto.newP256KeyPair()), Crypto.newP256KeyPair(),
                    Crypto.newEd25519KeyPair(), new TimestampAuthority("rogue-tsa", now.minus(3650, ChronoUnit.DAYS),
                            now.plus(3650, ChronoUnit.DAYS)));
        }
        return rogues;
    }

    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private TrustedRootOptions rootOptions;
        private String rekorV2Url = REKOR_V2_URL;

        private Builder() {
        }

        /** Where the Rekor v2 log is served; its checkpoint origin follows (a port included). */
        public Builder rekorV2Url(String url) {
            rekorV2Url = Objects.requireNonNull(url, "url");
            return this;
        }

        /** Where "now" comes from (integrated times, certificate validity, trusted-root starts). */
        public Builder clock(Clock c) {
            clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public Builder trustedRootOptions(TrustedRootOptions o) {
            rootOptions = Objects.requireNonNull(o, "options");
            return this;
        }

        public LocalSigstore build() {
            return new LocalSigstore(this);
        }
    }
}
