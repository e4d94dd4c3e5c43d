package io.fleetwarden.verify.cosign;

import io.fleetwarden.verify.Check;
import java.util.List;

/**
 * Maps sigstore-java 2.0.0 exception messages onto our {@link Check}s, with a sentence a person understands
 * first and sigstore-java's own message (and causes) kept as detail. sigstore-java throws one exception type
 * for every failure, so the message text is all there is to go on; the patterns below are taken from its
 * 2.0.0 bytecode. An unknown message still fails (as {@link Check#SIGNATURE}): the mapping only chooses the
 * label, never whether verification passes.
 */
final class SigstoreErrors {

    private record Rule(String fragment, Check check, String human) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule("SCT", Check.SCT, "the certificate has no valid SCT from a CT log of the trusted root"),
            new Rule("Fulcio certificate was not valid", Check.CERTIFICATE_CHAIN,
                    "the certificate does not chain to a Fulcio CA of the trusted root"),
            new Rule("RFC3161 timestamp", Check.RFC3161_TIMESTAMP,
                    "the RFC 3161 timestamp does not verify against a TSA of the trusted root"),
            new Rule("Provided artifact digest does not match", Check.ARTIFACT_DIGEST,
                    "the bundle was not made for this artifact digest"),
            new Rule("DSSE envelope must have payload type", Check.PAYLOAD_TYPE,
                    "the DSSE envelope is not an in-toto statement"),
            new Rule("Could not parse DSSE payload", Check.SIGNATURE_FORMAT, "the DSSE payload is not an in-toto statement"),
            new Rule("DSSE envelope must have exactly", Check.SIGNATURE_FORMAT,
                    "the DSSE envelope must carry exactly one signature"),
            new Rule("signature was not valid", Check.SIGNATURE, "the signature does not verify with the certificate's key"),
            new Rule("Signature could not be processed", Check.SIGNATURE, "the signature cannot be processed"),
            new Rule("Transparency log entry could not be verified", Check.TLOG_ENTRY,
                    "the transparency log entry does not verify against a Rekor log of the trusted root"),
            new Rule("log entry", Check.TLOG_BODY, "the transparency log entry does not describe this signature"),
            new Rule("rekor entry", Check.TLOG_BODY, "the transparency log entry does not describe this signature"),
            new Rule("Rekor entry", Check.TLOG_BODY, "the transparency log entry does not describe this signature"),
            new Rule("Unexpected rekor type", Check.TLOG_BODY, "the transparency log entry has an unsupported kind"),
            new Rule("media type", Check.SIGNATURE_FORMAT, "the bundle media type is not supported"),
            new Rule("Unsupported", Check.TLOG_BODY, "the transparency log entry has an unsupported kind or version"),
            new Rule("hashedrekord", Check.TLOG_BODY, "the transparency log entry does not describe this signature"),
            new Rule("No timestamp verification", Check.TLOG_ENTRY,
                    "the bundle has neither a signed entry timestamp nor an RFC 3161 timestamp"),
            new Rule("inclusion proof", Check.TLOG_ENTRY,
                    "the bundle has no inclusion proof; SET-only bundles need an online Rekor lookup, which is not done"),
            new Rule("tlog entries", Check.TLOG_ENTRY, "the bundle has no transparency log entry"),
            new Rule("Plain public keys", Check.KEY, "the bundle is signed with a plain public key"),
            new Rule("certificate", Check.SIGNATURE_FORMAT, "the bundle's certificate material cannot be read"),
            new Rule("bundle json", Check.SIGNATURE_FORMAT, "the bundle is not a valid Sigstore bundle"));

    private SigstoreErrors() {
    }

    record Mapped(Check check, String message) {
    }

    /** A failure of {@code KeylessVerifier.verify}. */
    static Mapped verification(Throwable e) {
        return map(e, false);
    }

    /** A failure to parse a bundle ({@code Bundle.from}): a format error unless it is about missing evidence. */
    static Mapped parsing(Throwable e) {
        return map(e, true);
    }

    private static Mapped map(Throwable e, boolean parsing) {
        String detail = detail(e);
        String top = String.valueOf(e.getMessage());
        for (Rule rule : RULES) {
            if (top.contains(rule.fragment())) {
                Check check = rule.check();
                if (parsing && check != Check.TLOG_ENTRY && check != Check.KEY) {
                    break;
                }
                return new Mapped(check, rule.human() + " (sigstore-java: " + detail + ")");
            }
        }
        return parsing
                ? new Mapped(Check.SIGNATURE_FORMAT, "the bundle is not a valid Sigstore bundle (sigstore-java: " + detail + ")")
                : new Mapped(Check.SIGNATURE, "the bundle does not verify (sigstore-java: " + detail + ")");
    }

    /** The message and the distinct messages of its causes, joined, on one line. */
    static String detail(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (sb.indexOf(m) < 0) {
                if (sb.length() > 0) {
                    sb.append(": ");
                }
                sb.append(m);
            }
        }
        return sb.toString().replace('\n', ' ').strip();
    }
}
