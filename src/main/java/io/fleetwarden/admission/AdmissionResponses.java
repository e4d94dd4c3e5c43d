package io.fleetwarden.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Turns an {@link AdmissionDecision} into the AdmissionReview response the API server expects, within the
 * API server's limits: it cuts a warning after 256 characters and ignores warnings past 4 KiB in total, so
 * fleetwarden cuts them itself (marked, never silently) and caps the message so a huge denial cannot bloat
 * the API server's error to the client.
 */
public final class AdmissionResponses {

    static final int MAX_WARNING_CHARS = 256;
    static final int MAX_WARNINGS_TOTAL_CHARS = 4096;
    static final String TRUNCATED = "... (truncated)";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int maxMessageChars;
    private final int maxWarnings;

    public AdmissionResponses(int maxMessageChars, int maxWarnings) {
        if (maxMessageChars < 64 || maxWarnings < 1) {
            throw new IllegalArgumentException("maxMessageChars must be >= 64 and maxWarnings >= 1");
        }
        this.maxMessageChars = maxMessageChars;
        this.maxWarnings = maxWarnings;
    }

    /** Fail closed: the decision when a handler threw or broke its contract. */
    public static AdmissionDecision internalError(String uid) {
        return new AdmissionDecision(false, 500, "InternalError", "fleetwarden failed while deciding this request"
                + " (uid " + uid + "), so it is denied; the fleetwarden logs have the details", List.of(), null);
    }

    /**
     * The response review. A patch is only written for an allowed decision: the API server ignores patches
     * of denials, and a validating path never gets here with one (the caller turns that into an error).
     */
    public byte[] review(String uid, AdmissionDecision decision) {
        ObjectNode root = JSON.createObjectNode();
        root.put("apiVersion", AdmissionReviewReader.API_VERSION);
        root.put("kind", AdmissionReviewReader.KIND);
        ObjectNode response = root.putObject("response");
        response.put("uid", uid);
        response.put("allowed", decision.allowed());
        ObjectNode status = response.putObject("status");
        status.put("code", decision.code());
        status.put("reason", nullToEmpty(decision.reason()));
        status.put("message", truncate(nullToEmpty(decision.message()), maxMessageChars));
        List<String> warnings = boundedWarnings(decision.warnings());
        if (!warnings.isEmpty()) {
            ArrayNode array = response.putArray("warnings");
            warnings.forEach(array::add);
        }
        if (decision.allowed() && decision.patch() != null) {
            response.put("patchType", "JSONPatch");
            response.put("patch", Base64.getEncoder().encodeToString(decision.patch().getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize an AdmissionReview response", e);
        }
    }

    /**
     * At most {@code maxWarnings} entries, each at most 256 characters without control characters (they
     * travel as HTTP Warning headers), and at most 4 KiB together. What is dropped is counted in a last entry.
     */
    List<String> boundedWarnings(List<String> warnings) {
        List<String> clean = warnings.stream().filter(w -> w != null && !w.isBlank())
                .map(w -> truncate(w.replaceAll("\\p{Cntrl}", " ").strip(), MAX_WARNING_CHARS)).toList();
        if (clean.size() <= maxWarnings && totalChars(clean) <= MAX_WARNINGS_TOTAL_CHARS) {
            return clean;
        }
        // Too many: keep what fits next to a last entry that says how many were left out.
        int budget = MAX_WARNINGS_TOTAL_CHARS - 64;
        List<String> out = new ArrayList<>();
        int total = 0;
        for (String warning : clean) {
            if (out.size() == maxWarnings - 1 || total + warning.length() > budget) {
                break;
            }
            out.add(warning);
            total += warning.length();
        }
        out.add("fleetwarden omitted " + (clean.size() - out.size()) + " more warning(s)");
        return out;
    }

    private static int totalChars(List<String> warnings) {
        return warnings.stream().mapToInt(String::length).sum();
    }

    static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int cut = max - TRUNCATED.length();
        if (Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        return text.substring(0, cut) + TRUNCATED;
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}
