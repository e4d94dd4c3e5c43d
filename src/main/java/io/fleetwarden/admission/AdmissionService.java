package io.fleetwarden.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * The webhook edge without HTTP: content type, bounded reading, dispatch to the handler of the path, the
 * response, one log line and the metrics. It fails closed: a handler that throws, returns nothing or breaks
 * its contract (a patch from a validating path, a patch that is not a JSON array) gets a denial with code
 * 500 and reason {@code InternalError}, never an allowed response.
 */
@ApplicationScoped
public class AdmissionService {

    private static final Logger LOG = Logger.getLogger(AdmissionService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdmissionHandlers handlers;
    private final AdmissionReviewReader reader;
    private final AdmissionResponses responses;
    private final AdmissionMetrics metrics;
    private final AdmissionEvents events;

    @Inject
    public AdmissionService(AdmissionHandlers handlers, AdmissionConfig config, AdmissionMetrics metrics,
            AdmissionEvents events) {
        this.handlers = handlers;
        this.reader = new AdmissionReviewReader(config.maxBodyBytes());
        this.responses = new AdmissionResponses(config.maxMessageChars(), config.maxWarnings());
        this.metrics = metrics;
        this.events = events;
    }

    public AdmissionService(AdmissionHandlers handlers, AdmissionConfig config, AdmissionMetrics metrics) {
        this(handlers, config, metrics, AdmissionEvents.none());
    }

    public WebhookReply review(String path, String contentType, InputStream body) {
        long start = System.nanoTime();
        AdmissionHandler handler = handlers.forPath(path).orElse(null);
        if (handler == null && !WebhookPaths.PRODUCTION.contains(path)) {
            return WebhookReply.error(404, "no admission webhook at " + path);
        }
        AdmissionInput input;
        try {
            requireJson(contentType);
            input = reader.read(body);
        } catch (InvalidReviewException e) {
            long elapsed = System.nanoTime() - start;
            metrics.record(path, "error", e.category(), elapsed);
            LOG.warnf("admission rejected path=%s status=%d reason=%s latencyMs=%d", path, e.status(), e.category(),
                    elapsed / 1_000_000);
            return WebhookReply.error(e.status(), e.getMessage());
        }
        Decided decided = handler == null ? noHandler(path) : decide(path, handler, input);
        byte[] json = responses.review(input.uid(), decided.decision());
        long elapsed = System.nanoTime() - start;
        metrics.record(path, decided.outcome(), decided.decision().reason(), decided.decision().cache(), elapsed);
        if (decided.decision().registryNanos() >= 0) {
            metrics.recordRegistryWait(path, decided.decision().cache(), decided.decision().registryNanos());
        }
        LOG.info(DecisionLog.line(path, input, decided.decision(), decided.outcome(), elapsed));
        try {
            // After the answer is built: an Event is queued for a writer thread, never waited for.
            events.reviewed(input, decided.decision());
        } catch (RuntimeException e) {
            LOG.debugf(e, "denial event not queued uid=%s", input.uid());
        }
        return WebhookReply.review(json);
    }

    private Decided decide(String path, AdmissionHandler handler, AdmissionInput input) {
        AdmissionDecision decision;
        try {
            decision = handler.handle(input);
        } catch (Exception | StackOverflowError e) {
            LOG.errorf(e, "admission handler failed path=%s uid=%s handler=%s", path, input.uid(),
                    handler.getClass().getName());
            return Decided.error(AdmissionResponses.internalError(input.uid()));
        }
        String broken = contractViolation(path, decision);
        if (broken != null) {
            LOG.errorf("admission handler broke its contract path=%s uid=%s handler=%s problem=\"%s\"", path,
                    input.uid(), handler.getClass().getName(), broken);
            return Decided.error(AdmissionResponses.internalError(input.uid()));
        }
        return new Decided(decision, decision.allowed() ? "allowed" : "denied");
    }

    private static String contractViolation(String path, AdmissionDecision decision) {
        if (decision == null) {
            return "returned no decision";
        }
        if (decision.patch() == null) {
            return null;
        }
        if (!WebhookPaths.isMutating(path)) {
            return "a validating handler returned a patch";
        }
        return isJsonArray(decision.patch()) ? null : "the patch is not a JSON Patch array";
    }

    private static Decided noHandler(String path) {
        LOG.errorf("no admission handler is registered for %s; denying", path);
        return Decided.error(new AdmissionDecision(false, 500, "NoHandler", "fleetwarden has no handler for " + path
                + " in this build, so the request is denied", List.of(), null));
    }

    private static void requireJson(String contentType) throws InvalidReviewException {
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            throw new InvalidReviewException(415, "UnsupportedMediaType", "Content-Type must be application/json, got "
                    + (contentType == null ? "none" : "'" + ReviewFields.clip(contentType, 100) + "'"));
        }
    }

    private static boolean isJsonArray(String patch) {
        try {
            return JSON.readTree(patch).isArray();
        } catch (IOException e) {
            return false;
        }
    }

    private record Decided(AdmissionDecision decision, String outcome) {

        static Decided error(AdmissionDecision decision) {
            return new Decided(decision, "error");
        }
    }
}
