package io.fleetwarden.oci.cloud;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.oci.RegistryProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.EcrClientBuilder;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.GetAuthorizationTokenResponse;

/**
 * ECR logins for the service's own AWS identity, as source-controller gets them (fluxcd/pkg/auth/aws): the identity
 * from the default chain ({@link AwsCredentialChain}) in the registry's region, then ECR GetAuthorizationToken in that
 * region, whose token is {@code base64(user:password)}. Private ECR only: public ECR is read anonymously by the caller.
 */
final class AwsEcrIdentity implements CloudIdentity {

    private final AwsCredentialChain credentials;
    private final URI ecrEndpoint;

    /**
     * @param env         the service's environment ({@code System.getenv()} in production)
     * @param ecrEndpoint where ECR is reached instead of the region's endpoint (tests); null in production
     * @param stsEndpoint where STS is reached instead of the region's endpoint (tests); null in production
     */
    AwsEcrIdentity(Map<String, String> env, URI ecrEndpoint, URI stsEndpoint) {
        this.credentials = new AwsCredentialChain(Map.copyOf(env), stsEndpoint);
        this.ecrEndpoint = ecrEndpoint;
    }

    static CloudIdentity fromEnvironment() {
        return new AwsEcrIdentity(System.getenv(), null, null);
    }

    /**
     * Runs the login on a thread of its own and waits for it no longer than the deadline: the SDK bounds its calls to
     * STS and ECR (timeouts set from the deadline), but not its container and instance metadata providers, nor a read of
     * a token file that blocks. If the deadline passes, the login thread is interrupted (which aborts an SDK call) and
     * left to end; what it would have returned is dropped.
     */
    @Override
    public CloudLogin login(String region, String registry, RegistryProxy proxies, Deadline deadline)
            throws RegistryException {
        FutureTask<CloudLogin> task = new FutureTask<>(() -> loginNow(region, proxies, deadline));
        Thread worker = new Thread(task, "fleetwarden-aws-login");
        worker.setDaemon(true);
        long wait = deadline.leftFor("AWS login for " + registry).toNanos();
        worker.start();
        try {
            return task.get(wait, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new RegistryException(Kind.TIMEOUT, "AWS: the login for " + registry + " (credentials, then ECR "
                    + "GetAuthorizationToken in " + region + ") did not finish within the deadline; it is asked again on "
                    + "the next attempt");
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new RegistryException(Kind.TIMEOUT, "AWS: the login for " + registry + " was interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RegistryException failure) {
                throw failure;
            }
            // Not expected (the SDK's and our failures are mapped); named by class only, its message could quote data.
            throw new RegistryException(Kind.UNAVAILABLE, "AWS: the login for " + registry + " failed unexpectedly ("
                    + AwsCalls.describe(e.getCause()) + ")");
        }
    }

    private CloudLogin loginNow(String region, RegistryProxy proxies, Deadline deadline) throws RegistryException {
        AwsCredentials identity = credentials.resolve(region, proxies, deadline);
        String step = "ECR GetAuthorizationToken in " + region;
        try (AwsCalls call = new AwsCalls(step, "the ECR endpoint of " + region, proxies, deadline)) {
            // The SDK signs the request (SigV4, service "ecr", the registry's region) with the static credentials given:
            // the client resolves nothing from the environment on its own.
            EcrClientBuilder builder = EcrClient.builder().region(Region.of(region)).httpClient(call.http())
                    .credentialsProvider(StaticCredentialsProvider.create(identity)).overrideConfiguration(call.limits());
            if (ecrEndpoint != null) {
                builder.endpointOverride(ecrEndpoint);
            }
            GetAuthorizationTokenResponse response;
            try (EcrClient ecr = builder.build()) {
                response = ecr.getAuthorizationToken(r -> { });
            } catch (SdkException e) {
                throw call.failure(e);
            }
            return parse(response, "AWS: " + step + " at " + call.host() + ": ");
        }
    }

    /** Flux's checks and words, in its order; a malformed answer is the endpoint's fault, never a login. */
    static CloudLogin parse(GetAuthorizationTokenResponse response, String where) throws RegistryException {
        List<AuthorizationData> data = response.authorizationData();
        if (data == null || data.isEmpty()) {
            throw malformed(where + "no authorization data returned");
        }
        String token = data.get(0).authorizationToken();
        Instant expiresAt = data.get(0).expiresAt();
        if (token == null) {
            throw malformed(where + "authorization token is nil");
        }
        if (expiresAt == null) {
            throw malformed(where + "authorization token expiration is nil");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the offending character: not repeated.
            throw malformed(where + "failed to parse authorization token: not base64");
        }
        String[] parts = decoded.split(":", -1);
        if (parts.length != 2) {
            throw malformed(where + "invalid authorization token format");
        }
        try {
            return new CloudLogin(parts[0], parts[1], expiresAt);
        } catch (IllegalArgumentException e) {
            throw malformed(where + "invalid authorization token format");
        }
    }

    private static RegistryException malformed(String message) {
        return new RegistryException(Kind.UNAVAILABLE, message + "; the login is asked again on the next attempt");
    }
}
