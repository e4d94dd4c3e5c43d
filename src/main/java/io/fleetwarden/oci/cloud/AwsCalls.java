package io.fleetwarden.oci.cloud;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.oci.RegistryProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * One call to an AWS API (STS or ECR) within a {@link Deadline}: the HTTP client the SDK client is built with, its
 * timeouts and retries, and what a failure means for the caller. Never a response body, a key or a token in a message:
 * a failure names the step, the endpoint host, the HTTP status and the AWS error code.
 */
final class AwsCalls implements AutoCloseable {

    /** AWS error codes that mean the identity was refused rather than the service being unwell. */
    private static final Set<String> REFUSED = Set.of("AccessDenied", "AccessDeniedException", "ExpiredToken",
            "ExpiredTokenException", "InvalidIdentityToken", "IDPRejectedClaim", "IDPCommunicationError",
            "InvalidClientTokenId", "UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch",
            "MissingAuthenticationToken", "IncompleteSignature", "NotAuthorized", "UnauthorizedOperation");

    private final String step;
    private final String fallbackHost;
    private final RegistryProxy proxies;
    private final Deadline deadline;
    private final AtomicReference<String> host = new AtomicReference<>();
    private final SdkHttpClient http;

    /**
     * @param step         what the call does, for messages ("ECR GetAuthorizationToken in eu-west-1")
     * @param fallbackHost how to name the endpoint when no connection was opened yet
     */
    AwsCalls(String step, String fallbackHost, RegistryProxy proxies, Deadline deadline) {
        this.step = step;
        this.fallbackHost = fallbackHost;
        this.proxies = proxies;
        this.deadline = deadline;
        // The SDK applies no timeouts of its own to connections a factory opens: ours come from what the deadline
        // leaves when each connection is opened. The proxy is decided per endpoint, as for registry requests, so an
        // operator's HTTPS_PROXY / NO_PROXY (or a source's proxy) govern AWS's endpoints the way they govern Flux's.
        this.http = UrlConnectionHttpClient.create(this::open);
    }

    SdkHttpClient http() {
        return http;
    }

    /** The host the call reached (or tried to), for messages. */
    String host() {
        String seen = host.get();
        return seen != null ? seen : fallbackHost;
    }

    /**
     * The SDK's limits for this call: the whole call and each attempt end when the deadline does, and no retries —
     * the caller retries with its own backoff, and an SDK retry could only compete with it for the same deadline.
     */
    ClientOverrideConfiguration limits() throws RegistryException {
        Duration left = deadline.leftFor(step);
        return ClientOverrideConfiguration.builder().apiCallTimeout(left).apiCallAttemptTimeout(left)
                .retryStrategy(AwsRetryStrategy.doNotRetry()).build();
    }

    private HttpURLConnection open(URI uri) {
        host.set(uri.getHost());
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, deadline.left().toMillis()));
        Optional<RegistryProxy.Address> via = proxies.proxyFor(uri);
        try {
            Proxy proxy = via.map(a -> new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(a.host(), a.port())))
                    .orElse(Proxy.NO_PROXY);
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(proxy);
            connection.setConnectTimeout(millis);
            connection.setReadTimeout(millis);
            connection.setUseCaches(false);
            via.filter(a -> a.username() != null).ifPresent(a -> connection.setAuthenticator(proxyLogin(a)));
            return connection;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The proxy's own login, given to that proxy only (never to the AWS endpoint, whose challenges get nothing): the
     * JDK asks this for a CONNECT tunnel's 407 when the process allows Basic on tunnels (the service's entry point
     * does, see HttpRegistryClient).
     */
    private static Authenticator proxyLogin(RegistryProxy.Address proxy) {
        char[] password = proxy.password() == null ? new char[0] : proxy.password().toCharArray();
        return new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                boolean toProxy = getRequestorType() == RequestorType.PROXY
                        && proxy.host().equalsIgnoreCase(getRequestingHost()) && proxy.port() == getRequestingPort();
                return toProxy ? new PasswordAuthentication(proxy.username(), password.clone()) : null;
            }
        };
    }

    /** What a failed SDK call means for the caller; the message says what was tried and what happens next. */
    RegistryException failure(SdkException e) {
        String where = "AWS: " + step + " at " + host();
        if (timedOut(e)) {
            return new RegistryException(Kind.TIMEOUT, where + " did not answer within the deadline; the login is "
                    + "asked again on the next attempt");
        }
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            String code = service.awsErrorDetails() == null ? null : safeCode(service.awsErrorDetails().errorCode());
            String answer = "HTTP " + status + (code == null ? "" : " " + code);
            if (status == 401 || status == 403 || code != null && REFUSED.contains(code)) {
                return new RegistryException(Kind.UNAUTHORIZED, where + " refused the service's AWS identity ("
                        + answer + "): check the role's trust policy and that it may call ecr:GetAuthorizationToken");
            }
            return new RegistryException(Kind.UNAVAILABLE, where + " answered " + answer
                    + "; the login is asked again on the next attempt");
        }
        return new RegistryException(Kind.UNAVAILABLE, where + " could not be reached or answered unexpectedly ("
                + describe(e) + "); the login is asked again on the next attempt");
    }

    private boolean timedOut(SdkException e) {
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
                || e instanceof AbortedException && deadline.expired()) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return deadline.expired();
    }

    /**
     * The innermost cause: its class, and its message only for network errors (a refused connection, an unknown
     * host), whose messages name hosts; an SDK's own message may quote what the endpoint answered.
     */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String name = root.getClass().getSimpleName();
        return root instanceof IOException && root.getMessage() != null ? name + ": " + root.getMessage() : name;
    }

    /** An AWS error code as it should look (a short identifier); anything else is not repeated. */
    private static String safeCode(String code) {
        return code != null && code.matches("[A-Za-z0-9._:-]{1,64}") ? code : null;
    }

    @Override
    public void close() {
        http.close();
    }
}
