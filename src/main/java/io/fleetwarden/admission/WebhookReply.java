package io.fleetwarden.admission;

import java.nio.charset.StandardCharsets;

/** What the resource sends back: an AdmissionReview (200, JSON) or an HTTP error with a plain-text message. */
public record WebhookReply(int status, String mediaType, byte[] body) {

    public static WebhookReply review(byte[] json) {
        return new WebhookReply(200, "application/json", json);
    }

    public static WebhookReply error(int status, String message) {
        return new WebhookReply(status, "text/plain;charset=UTF-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
