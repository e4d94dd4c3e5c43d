package io.fleetwarden.apply;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the API server's refusals into messages that name the actor, the object and the field or verb. */
final class ApiErrors {

    private static final Pattern VERB = Pattern.compile("cannot (\\w+) resource");
    /** As Flux's IsImmutableError for CEL and webhooks, plus the wording of built-in validation. */
    private static final Pattern IMMUTABLE = Pattern.compile(
            "is\\s+immutable|immutable\\s+field|field is immutable|may not change once set|cannot change roleRef",
            Pattern.CASE_INSENSITIVE);

    private ApiErrors() {
    }

    static boolean forbidden(KubernetesClientException e) {
        return e.getCode() == 403;
    }

    static boolean notFound(KubernetesClientException e) {
        return e.getCode() == 404;
    }

    /**
     * An apply refused because it changes a field the API server does not let change. Narrower than Flux (which
     * takes any 422 or 409): with force on we delete the object, so an object that is merely invalid must not be
     * taken for one whose immutable field changed.
     */
    static boolean immutable(KubernetesClientException e) {
        return e.getCode() == 422 && e.getMessage() != null && IMMUTABLE.matcher(e.getMessage()).find();
    }

    /** The fields the API server named as immutable ({@code spec.template}), or what it said when it named none. */
    static String immutableFields(KubernetesClientException e) {
        List<String> fields = new ArrayList<>();
        Status status = e.getStatus();
        if (status != null && status.getDetails() != null && status.getDetails().getCauses() != null) {
            for (StatusCause cause : status.getDetails().getCauses()) {
                if (cause.getField() != null && cause.getMessage() != null
                        && IMMUTABLE.matcher(cause.getMessage()).find()) {
                    fields.add(cause.getField());
                }
            }
        }
        return fields.isEmpty() ? "an immutable field" : "field " + String.join(", ", fields);
    }

    /** {@code serviceaccount t/sa cannot create ClusterRoleBinding "x" (cluster-scoped): <API server's words>}. */
    static String forbiddenMessage(Impersonation actor, String attemptedVerb, ObjectRef ref,
            KubernetesClientException e) {
        return forbiddenMessage(actor.describe(), attemptedVerb, ref, e);
    }

    /** As above, for an actor that is no {@link Impersonation} (the CLI user's own kubeconfig identity). */
    static String forbiddenMessage(String actor, String attemptedVerb, ObjectRef ref, KubernetesClientException e) {
        Matcher verb = VERB.matcher(String.valueOf(e.getMessage()));
        String said = verb.find() ? verb.group(1) : attemptedVerb;
        String where = ref.clusterScoped() ? " (cluster-scoped)" : " in namespace " + ref.namespace();
        return actor + " cannot " + said + " " + ref.kind() + " \"" + ref.name() + "\"" + where
                + ": " + serverWords(e);
    }

    static String failureMessage(Impersonation actor, String verb, ObjectRef ref, KubernetesClientException e) {
        if (forbidden(e)) {
            return forbiddenMessage(actor, verb, ref, e);
        }
        return ref + ": " + verb + " failed (HTTP " + e.getCode() + "): " + serverWords(e);
    }

    /** The Status message when there is one; fabric8's own message (with the URL) otherwise. */
    static String serverWords(KubernetesClientException e) {
        Status status = e.getStatus();
        if (status != null && status.getMessage() != null && !status.getMessage().isBlank()) {
            return status.getMessage();
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? "no message" : message;
    }
}
