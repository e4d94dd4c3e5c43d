package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fleetwarden.oci.OciReference;
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
    record Verdict(String policy, OciReference ref, VerificationResult result) {
    }

    private VerdictPrinter() {
    }

    static void text(PrintWriter out, List<Verdict> verdicts) {
        for (Verdict v : verdicts) {
            String subject = "oci://" + v.ref() + (v.result().digest() == null || v.ref().digest() != null ? ""
                    : "@" + v.result().digest());
            if (v.result() instanceof VerificationResult.Verified ok) {
                out.println("VERIFIED " + subject + " (policy " + v.policy() + ", authority " + ok.authority() + ")");
                out.println("  signature: " + ok.signature());
                out.println("  evidence:  " + ok.evidence().stream().map(Enum::name).sorted().toList());
                ok.signer().claims().forEach((k, val) -> out.println("  " + pad(k) + val));
            } else if (v.result() instanceof VerificationResult.NotVerified no) {
                out.println("NOT VERIFIED " + subject + " (policy " + v.policy() + ")");
                for (CheckFailure f : no.failures()) {
                    out.println("  " + f.check() + " [" + f.signature() + "]: " + f.message());
                }
            } else {
                out.println("UNAVAILABLE " + subject + " (policy " + v.policy()
                    + "): could not decide, nothing was verified: " + ((VerificationResult.Unavailable) v.result()).reason());
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
            m.put("digest", v.result().digest() == null ? null : v.result().digest().toString());
            if (v.result() instanceof VerificationResult.Verified ok) {
                m.put("outcome", "Verified");
                m.put("authority", ok.authority());
                m.put("signature", ok.signature());
                m.put("evidence", ok.evidence().stream().map(Enum::name).sorted().toList());
                m.put("signer", ok.signer().claims());
            } else if (v.result() instanceof VerificationResult.NotVerified no) {
                m.put("outcome", "NotVerified");
                m.put("failures", no.failures().stream().map(f -> Map.of("check", f.check().name(),
                        "signature", f.signature(), "message", f.message())).toList());
            } else {
                m.put("outcome", "Unavailable");
                m.put("reason", ((VerificationResult.Unavailable) v.result()).reason());
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
