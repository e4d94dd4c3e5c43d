package io.fleetwarden.cli;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.policy.PublicKeys;
import io.fleetwarden.policy.SignerIdentity;
import io.fleetwarden.verify.CheckFailure;
import io.fleetwarden.verify.SignatureVerdict;
import io.fleetwarden.verify.TrustAnchor;
import io.fleetwarden.verify.cosign.CosignSignatureVerifier;
import io.fleetwarden.verify.cosign.TrustedRoots;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fleetwarden verify-bundle}: the sigstore-conformance client protocol. Exit 0 if and only if the
 * bundle verifies for the artifact and the identity (or key); otherwise one line on stderr and exit 1, or 64 when
 * an argument is malformed or a file cannot be read. Identities are compared exactly, as the protocol requires.
 */
@Command(name = "verify-bundle", description = "Verify a Sigstore bundle for a file or digest (sigstore-conformance protocol).")
final class VerifyBundleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "The Sigstore bundle "
            + "(.sigstore.json) to verify.")
    Path bundle;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Signer signer;

    static final class Signer {
        @ArgGroup(exclusive = false)
        Keyless keyless;

        @Option(names = "--key", paramLabel = "FILE", description = "PEM public key.")
        Path key;
    }

    static final class Keyless {
        @Option(names = "--certificate-identity", required = true, paramLabel = "SUBJECT",
                description = "Certificate subject (SAN), exact.")
        String identity;

        @Option(names = "--certificate-oidc-issuer", required = true, paramLabel = "URL",
                description = "OIDC issuer, exact.")
        String issuer;
    }

    @Option(names = "--trusted-root", paramLabel = "FILE", description = "trusted_root.json; default: the embedded public-good root.")
    Path trustedRoot;

    @Option(names = "--staging", description = "Sigstore staging: needs --trusted-root (no network is used).")
    boolean staging;

    @Parameters(paramLabel = "FILE_OR_DIGEST", description = "The artifact, or sha256:<hex> of it.")
    String artifact;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (staging && trustedRoot == null) {
            throw CliFailure.usage("--staging needs --trusted-root: the staging root is not embedded and no network is used");
        }
        Digest digest = digestOf(artifact);
        byte[] bundleJson = OptionFile.read("--bundle", bundle);
        byte[] rootJson = trustedRoot == null ? null : OptionFile.read("--trusted-root", trustedRoot);
        String keyPem = signer.key == null ? null : OptionFile.readString("--key", signer.key);
        // From here on the material is judged: a bundle, root or key that is malformed or does not verify is "not
        // verified" (exit 1), as the conformance protocol expects of a client, not a usage error.
        try {
            TrustedRoots roots = rootJson == null ? TrustedRoots.withPublicGood()
                    : TrustedRoots.empty().add(TrustAnchor.PUBLIC_GOOD, rootJson);
            CosignSignatureVerifier verifier = new CosignSignatureVerifier(roots, Clock.systemUTC());
            TrustAnchor anchor = keyPem != null
                    ? TrustAnchor.key(PublicKeys.fromPem(keyPem), TrustAnchor.PUBLIC_GOOD, true)
                    : TrustAnchor.keyless(TrustAnchor.PUBLIC_GOOD);
            SignatureVerdict verdict = verifier.verifyBundle("bundle " + bundle, bundleJson, digest, anchor);
            if (verdict instanceof SignatureVerdict.Invalid invalid) {
                CheckFailure first = invalid.failures().get(0);
                return fail(err, first.check() + ": " + first.message());
            }
            SignerIdentity who = ((SignatureVerdict.Valid) verdict).signer();
            if (signer.keyless != null && !signer.keyless.identity.equals(who.subject())) {
                return fail(err, "SUBJECT: certificate identity is \"" + who.subject() + "\", expected \""
                        + signer.keyless.identity + "\"");
            }
            if (signer.keyless != null && !signer.keyless.issuer.equals(who.issuer())) {
                return fail(err, "ISSUER: certificate issuer is \"" + who.issuer() + "\", expected \""
                        + signer.keyless.issuer + "\"");
            }
            spec.commandLine().getOut().println(VerifyCommand.VERIFIED_OK);
            return ExitCode.OK.code();
        } catch (IllegalArgumentException e) {
            return fail(err, e.getMessage());
        }
    }

    private static int fail(PrintWriter err, String reason) {
        err.println("fleetwarden verify-bundle: " + reason.replace('\n', ' '));
        return ExitCode.REJECTED.code();
    }

    /** {@code sha256:<hex>} as given, else the SHA-256 of the file; a malformed digest or a missing file is a usage error. */
    static Digest digestOf(String artifact) {
        if (artifact.startsWith("sha256:")) {
            try {
                return Digest.parse(artifact);
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage(e.getMessage());
            }
        }
        Path file = Path.of(artifact);
        OptionFile.requireReadable("artifact", file);
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256())) {
            MessageDigest md = ((DigestInputStream) in).getMessageDigest();
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return new Digest("sha256", HexFormat.of().formatHex(md.digest()));
        } catch (IOException e) {
            throw CliFailure.usage("artifact " + file + ": " + OptionFile.reason(e));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
