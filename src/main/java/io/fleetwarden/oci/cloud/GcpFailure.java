package io.fleetwarden.oci.cloud;

import com.google.api.client.http.HttpResponseException;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryException.Kind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failed Google token request as a {@link RegistryException}. The library's messages may carry the endpoint's
 * response body (an error description, or whatever a proxy or a metadata server answered), so none is passed on,
 * nor the exception itself as a cause (a cause's message ends up in logs): only the HTTP status and the OAuth
 * {@code error} code, read from the response and checked to be a plain code.
 */
final class GcpFailure {

    /** An OAuth error code (RFC 6749 section 5.2 allows printable ASCII; Google's are snake_case words). */
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");
    /** The library's own prefix of a metadata server's status ({@code ComputeEngineCredentials}). */
    private static final Pattern METADATA_STATUS = Pattern.compile("^(?:Unexpected )?Error code (\\d{3}) trying to get");
    /** The library's {@code OAuthException} message (an STS refusal): {@code Error code CODE[: description]}. */
    private static final Pattern OAUTH_MESSAGE = Pattern.compile("^Error code ([A-Za-z0-9_.\\-]{1,64})(?::|$)");
    /** OAuth codes that mean the provider is down rather than that it refuses us. */
    private static final Set<String> SERVER_ERRORS = Set.of("server_error", "temporarily_unavailable");

    private GcpFailure() {
    }

    /**
     * @param step   what was asked, e.g. "Google token from the metadata server"
     * @param host   the endpoint's host, or null when no request was sent
     * @param remedy what to check when the provider refuses
     */
    static RegistryException of(Throwable failure, String step, String host, String remedy) {
        int status = status(failure);
        String error = oauthError(failure);
        String at = host == null ? "" : " (" + host + ")";
        String answer = (status > 0 ? "HTTP " + status : "") + (status > 0 && error != null ? ", " : "")
                + (error != null ? error : "");
        if (status > 0 || error != null) {
            boolean down = status == 408 || status == 429 || status >= 500 || status == 0 && SERVER_ERRORS.contains(error)
                    || status < 400 && status > 0;
            if (down) {
                return new RegistryException(Kind.UNAVAILABLE, "GCP login: " + step + at + " failed with " + answer
                        + "; fleetwarden asks again at the next attempt");
            }
            return new RegistryException(Kind.UNAUTHORIZED, "GCP login: " + step + at + " was refused (" + answer
                    + "); " + remedy);
        }
        String why;
        if (find(failure, UnknownHostException.class) != null) {
            why = "the endpoint's name does not resolve";
        } else if (find(failure, ConnectException.class) != null || find(failure, NoRouteToHostException.class) != null) {
            why = "the endpoint cannot be reached";
        } else if (find(failure, SocketTimeoutException.class) != null) {
            why = "the endpoint did not answer in time";
        } else {
            // A malformed answer (not JSON, no access_token or expires_in) or a broken connection.
            why = "the exchange failed or the answer was not a token (" + failure.getClass().getSimpleName() + ")";
        }
        return new RegistryException(Kind.UNAVAILABLE, "GCP login: " + step + at + " failed: " + why
                + "; fleetwarden asks again at the next attempt");
    }

    private static int status(Throwable failure) {
        HttpResponseException http = find(failure, HttpResponseException.class);
        if (http != null) {
            return http.getStatusCode();
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            Matcher m = t.getMessage() == null ? null : METADATA_STATUS.matcher(t.getMessage());
            if (m != null && m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return 0;
    }

    private static String oauthError(Throwable failure) {
        HttpResponseException http = find(failure, HttpResponseException.class);
        if (http != null) {
            return errorField(http.getContent());
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // OAuthException is package-private in the library: known by its name, read from its fixed message prefix.
            if (t.getClass().getSimpleName().equals("OAuthException") && t.getMessage() != null) {
                Matcher m = OAUTH_MESSAGE.matcher(t.getMessage());
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return null;
    }

    /** The {@code error} member of an OAuth error body, when it is a plain code; null otherwise. */
    static String errorField(String body) {
        return plainMember(body, "error", ERROR_CODE);
    }

    /** A string member of a JSON object, when it matches {@code allowed} (so it is safe to quote); null otherwise. */
    static String plainMember(String json, String name, Pattern allowed) {
        if (json == null || json.isEmpty()) {
            return null;
        }
        try {
            JsonElement parsed = JsonParser.parseString(json);
            JsonElement member = parsed.isJsonObject() ? parsed.getAsJsonObject().get(name) : null;
            if (member != null && member.isJsonPrimitive() && member.getAsJsonPrimitive().isString()
                    && allowed.matcher(member.getAsString()).matches()) {
                return member.getAsString();
            }
        } catch (RuntimeException e) {
            // not JSON: nothing to quote
        }
        return null;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
