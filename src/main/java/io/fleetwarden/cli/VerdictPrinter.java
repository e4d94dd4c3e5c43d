package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.policy.CompiledPolicy;
import io.fleetwarden.verify.CheckFailure;
import io.fleetwarden.verify.VerificationResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints verdicts for a person (text) or a pipeline (one JSON document). */
final class VerdictPrinter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One verdict of one policy over one artifact. */
    record Verdict(String policy, CompiledPolicy.Mode mode, OciReference ref, Outcome outcome) {
        /** Only an Enforce policy's failure fails the command (and is denied by the gate). */
        boolean enforced() {
            return mode == CompiledPolicy.Mode.ENFORCE;
        }
    }

    /** What a policy's mode made of the artifact: verified (or not), or nothing required (Allow). */
    sealed interface Outcome {
    }

    record Checked(VerificationResult result) implements Outcome {
    }

    record NotRequired() implements Outcome {
    }

    private static String modeName(CompiledPolicy.Mode mode) {
        String n = mode.name();
        return n.charAt(0) + n.substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    private VerdictPrinter() {
    }

    static void text(PrintWriter out, List<Verdict> verdicts) {
        for (Verdict v : verdicts) {
            String policy = "policy " + v.policy() + (v.enforced() ? "" : ", mode " + modeName(v.mode()));
            if (!(v.outcome() instanceof Checked checked)) {
                out.println("ALLOWED oci://" + v.ref() + " (" + policy + "): no signature required");
                continue;
            }
            VerificationResult result = checked.result();
            String subject = "oci://" + v.ref() + (result.digest() == null || v.ref().digest() != null ? ""
                    : "@" + result.digest());
            if (result instanceof VerificationResult.Verified ok) {
                out.println("VERIFIED " + subject + " (" + policy + ", authority " + ok.authority() + ")");
                out.println("  signature: " + ok.signature());
                out.println("  evidence:  " + ok.evidence().stream().map(Enum::name).sorted().toList());
                ok.signer().claims().forEach((k, val) -> out.println("  " + pad(k) + val));
                ok.skipped().forEach(s -> out.println("  skipped:   " + s));
            } else if (result instanceof VerificationResult.NotVerified no) {
                out.println("NOT VERIFIED " + subject + " (" + policy + ")");
                for (CheckFailure f : no.failures()) {
                    out.println("  " + f.check() + " [" + f.signature() + "]: " + f.message());
                }
            } else {
                out.println("UNAVAILABLE " + subject + " (" + policy
                    + "): could not decide, nothing was verified: " + ((VerificationResult.Unavailable) result).reason());
            }
            if (!(result instanceof VerificationResult.Verified) && !v.enforced()) {
                out.println("  warning: policy " + v.policy() + " is in mode Warn: the webhook admits this artifact "
                        + "with a warning");
            }
        }
        out.flush();
    }

    static void json(PrintWriter out, List<Verdict> verdicts) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Verdict v : verdicts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("reference", "oci://" + v.ref());
            m.put("policy", v.policy());
            m.put("mode", modeName(v.mode()));
            if (!(v.outcome() instanceof Checked checked)) {
                m.put("digest", null);
                m.put("outcome", "NotRequired");
                docs.add(m);
                continue;
            }
            VerificationResult result = checked.result();
            m.put("digest", result.digest() == null ? null : result.digest().toString());
            if (result instanceof VerificationResult.Verified ok) {
                m.put("outcome", "Verified");
                m.put("authority", ok.authority());
                m.put("signature", ok.signature());
                m.put("evidence", ok.evidence().stream().map(Enum::name).sorted().toList());
                m.put("signer", ok.signer().claims());
                m.put("skipped", ok.skipped());
            } else if (result instanceof VerificationResult.NotVerified no) {
                m.put("outcome", "NotVerified");
                m.put("failures", no.failures().stream().map(f -> Map.of("check", f.check().name(),
                        "signature", f.signature(), "message", f.message())).toList());
            } else {
                m.put("outcome", "Unavailable");
                m.put("reason", ((VerificationResult.Unavailable) result).reason());
            }
            if (!(result instanceof VerificationResult.Verified) && !v.enforced()) {
                m.put("warning", "policy " + v.policy() + " is in mode Warn: the webhook admits this artifact with a "
                        + "warning");
            }
            docs.add(m);
        }
        try {
            out.println(JSON.writeValueAsString(Map.of("verdicts", docs)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    private static String pad(String key) {
        return (key + ":" + " ".repeat(19)).substring(0, 19);
    }
}
