package io.fleetwarden.oci.cloud;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.oci.RegistryProxy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The service's AWS credentials, found as the Go SDK's default chain finds them for source-controller: the first
 * source that is configured decides (a configured source that fails is an error, never a reason to try the next one
 * and log in as some other identity):
 * <ol>
 * <li>{@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} (and {@code AWS_SESSION_TOKEN});</li>
 * <li>{@code AWS_WEB_IDENTITY_TOKEN_FILE} and {@code AWS_ROLE_ARN}: IRSA, STS AssumeRoleWithWebIdentity;</li>
 * <li>the profile {@code AWS_PROFILE} names (aws-sdk-go-v2's resolveCredentialChain reads environment keys and the
 * web identity before the environment's profile), else the {@code default} profile when it has keys;</li>
 * <li>{@code AWS_CONTAINER_CREDENTIALS_FULL_URI} / {@code _RELATIVE_URI}: EKS Pod Identity (or ECS);</li>
 * <li>the EC2 instance metadata service (the node's role), unless {@code AWS_EC2_METADATA_DISABLED=true}.</li>
 * </ol>
 * The chain is composed here rather than taken from the SDK's {@code DefaultCredentialsProvider}: the SDK's web
 * identity and profile role providers build STS clients of their own, which would bypass the proxy and the deadline;
 * its chain also falls through to the next source when one fails. STS is called with our own client instead. Nothing
 * is cached: {@link CloudLogins} keeps the ECR login, and credentials are only needed to ask for it.
 */
final class AwsCredentialChain {

    /** A projected service-account token is about 1 KiB; anything far larger is not one. */
    static final int MAX_TOKEN_FILE_BYTES = 64 * 1024;
    /** Shared credentials and config files are read by us, with the same bound, and parsed by the SDK. */
    static final int MAX_PROFILE_FILE_BYTES = 64 * 1024;

    /**
     * Profile settings whose credentials come from somewhere else: a role to assume (through an STS client the SDK
     * builds, bypassing our proxy and deadline), a program to run, or SSO (whose SDK modules this build does not ship).
     */
    private static final List<String> INDIRECT = List.of("role_arn", "source_profile", "credential_source",
            "credential_process", "web_identity_token_file", "sso_session", "sso_start_url", "sso_account_id");

    private static final String WHAT_TO_CONFIGURE = "configure IRSA (AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, set "
            + "by EKS for an annotated service account), EKS Pod Identity, the node's instance role, or "
            + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";

    private final Map<String, String> env;
    private final URI stsEndpoint;

    /** @param stsEndpoint where STS is reached instead of the region's endpoint (tests); null in production */
    AwsCredentialChain(Map<String, String> env, URI stsEndpoint) {
        this.env = env;
        this.stsEndpoint = stsEndpoint;
    }

    AwsCredentials resolve(String region, RegistryProxy proxies, Deadline deadline) throws RegistryException {
        String keyId = set("AWS_ACCESS_KEY_ID");
        String secret = set("AWS_SECRET_ACCESS_KEY");
        if (keyId != null || secret != null) {
            if (keyId == null || secret == null) {
                throw refused((keyId == null ? "AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID"
                        : "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY") + "; set both, or neither");
            }
            String session = set("AWS_SESSION_TOKEN");
            return session == null ? AwsBasicCredentials.create(keyId, secret)
                    : AwsSessionCredentials.create(keyId, secret, session);
        }
        String tokenFile = set("AWS_WEB_IDENTITY_TOKEN_FILE");
        if (tokenFile != null) {
            return webIdentity(Path.of(tokenFile), region, proxies, deadline);
        }
        String profileName = set("AWS_PROFILE");
        if (profileName != null) {
            return profile(profileName, true).orElseThrow();
        }
        Optional<AwsCredentials> fromDefault = profile("default", false);
        if (fromDefault.isPresent()) {
            return fromDefault.get();
        }
        if (set("AWS_CONTAINER_CREDENTIALS_FULL_URI") != null || set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != null) {
            // The SDK's provider: it only speaks to the container agent's link-local or loopback address (it refuses
            // other hosts over http), directly, which is right for an address no proxy could reach. Its own timeouts
            // and retries are not tied to our deadline: AwsEcrIdentity bounds the whole login.
            return fromSdk(ContainerCredentialsProvider.builder().build(), deadline, Kind.UNAVAILABLE,
                    "the container credentials endpoint (EKS Pod Identity) gave no credentials; the login is asked "
                            + "again on the next attempt");
        }
        if (!"true".equalsIgnoreCase(set("AWS_EC2_METADATA_DISABLED"))) {
            // Last, as in Go: the node's role, at the link-local metadata address, directly.
            return fromSdk(InstanceProfileCredentialsProvider.builder().build(), deadline, Kind.UNAUTHORIZED,
                    "no AWS identity is configured and the EC2 instance metadata service gave none; " + WHAT_TO_CONFIGURE);
        }
        throw refused("no AWS identity is configured (the EC2 instance metadata service is disabled); "
                + WHAT_TO_CONFIGURE);
    }

    /**
     * IRSA: the token file's contents are sent to STS as the web identity, for the role; STS answers with temporary
     * keys. The request is unsigned (the token is the proof), so the STS client carries no credentials at all.
     */
    private AwsCredentials webIdentity(Path tokenFile, String region, RegistryProxy proxies, Deadline deadline)
            throws RegistryException {
        String roleArn = set("AWS_ROLE_ARN");
        if (roleArn == null) {
            throw refused("AWS_WEB_IDENTITY_TOKEN_FILE is set without AWS_ROLE_ARN; set the role to assume");
        }
        String token = readToken(tokenFile);
        String session = set("AWS_ROLE_SESSION_NAME");
        String sessionName = session != null ? session : "fleetwarden-" + System.currentTimeMillis();
        String step = "STS AssumeRoleWithWebIdentity in " + region;
        try (AwsCalls call = new AwsCalls(step, "the STS endpoint of " + region, proxies, deadline)) {
            StsClientBuilder builder = StsClient.builder().region(Region.of(region)).httpClient(call.http())
                    .credentialsProvider(AnonymousCredentialsProvider.create()).overrideConfiguration(call.limits());
            if (stsEndpoint != null) {
                builder.endpointOverride(stsEndpoint);
            }
            AssumeRoleWithWebIdentityResponse response;
            try (StsClient sts = builder.build()) {
                response = sts.assumeRoleWithWebIdentity(r -> r.roleArn(roleArn).roleSessionName(sessionName)
                        .webIdentityToken(token));
            } catch (SdkException e) {
                throw call.failure(e);
            }
            Credentials c = response.credentials();
            if (c == null || empty(c.accessKeyId()) || empty(c.secretAccessKey()) || empty(c.sessionToken())) {
                throw new RegistryException(Kind.UNAVAILABLE, "AWS: " + step + " at " + call.host()
                        + " answered without credentials; the login is asked again on the next attempt");
            }
            return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
        }
    }

    private static String readToken(Path file) throws RegistryException {
        byte[] bytes;
        try {
            bytes = readBounded(file, MAX_TOKEN_FILE_BYTES);
        } catch (IOException e) {
            throw refused("the web identity token file " + file + " (AWS_WEB_IDENTITY_TOKEN_FILE) cannot be read ("
                    + AwsCalls.describe(e) + "); check the service account token projection");
        }
        if (bytes == null) {
            throw refused("the web identity token file " + file + " is over " + MAX_TOKEN_FILE_BYTES
                    + " bytes, which no service account token is");
        }
        String token = new String(bytes, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw refused("the web identity token file " + file + " is empty");
        }
        return token;
    }

    /** The file's bytes, or null when it has more than {@code max}; never reads past {@code max + 1}. */
    static byte[] readBounded(Path file, int max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(max + 1);
            return bytes.length > max ? null : bytes;
        }
    }

    /**
     * Keys from a profile of the shared files ({@code AWS_SHARED_CREDENTIALS_FILE}, {@code AWS_CONFIG_FILE}, or
     * {@code ~/.aws/credentials} and {@code ~/.aws/config}). A profile that gets its credentials some other way is
     * refused with the reason; a missing profile is an error only when it was named.
     */
    private Optional<AwsCredentials> profile(String name, boolean named) throws RegistryException {
        String home = set("HOME") != null ? set("HOME") : System.getProperty("user.home");
        ProfileFile.Aggregator files = ProfileFile.aggregator();
        boolean any = addFile(files, set("AWS_SHARED_CREDENTIALS_FILE"), home, "credentials", ProfileFile.Type.CREDENTIALS);
        any |= addFile(files, set("AWS_CONFIG_FILE"), home, "config", ProfileFile.Type.CONFIGURATION);
        Optional<Profile> profile;
        try {
            profile = any ? files.build().profile(name) : Optional.empty();
        } catch (RuntimeException e) {
            throw refused("the AWS shared credentials or config file does not parse (" + e.getClass().getSimpleName()
                    + ")");
        }
        if (profile.isEmpty()) {
            if (named) {
                throw refused("AWS_PROFILE names profile \"" + name + "\", which the shared credentials and config "
                        + "files do not have");
            }
            return Optional.empty();
        }
        for (String indirect : INDIRECT) {
            if (profile.get().property(indirect).isPresent()) {
                throw refused("AWS profile \"" + name + "\" sets " + indirect + ", which fleetwarden does not follow "
                        + "(it supports keys in a profile); " + WHAT_TO_CONFIGURE);
            }
        }
        Optional<String> keyId = profile.get().property("aws_access_key_id").filter(s -> !s.isEmpty());
        Optional<String> secret = profile.get().property("aws_secret_access_key").filter(s -> !s.isEmpty());
        if (keyId.isEmpty() || secret.isEmpty()) {
            if (named || keyId.isPresent() || secret.isPresent()) {
                throw refused("AWS profile \"" + name + "\" needs both aws_access_key_id and aws_secret_access_key");
            }
            return Optional.empty();
        }
        Optional<String> session = profile.get().property("aws_session_token").filter(s -> !s.isEmpty());
        return Optional.of(session.isPresent() ? AwsSessionCredentials.create(keyId.get(), secret.get(), session.get())
                : AwsBasicCredentials.create(keyId.get(), secret.get()));
    }

    private static boolean addFile(ProfileFile.Aggregator files, String path, String home, String defaultName,
            ProfileFile.Type type) throws RegistryException {
        Path file = path != null ? Path.of(path) : home == null ? null : Path.of(home, ".aws", defaultName);
        if (file == null || !Files.isRegularFile(file)) {
            return false;
        }
        byte[] bytes;
        try {
            bytes = readBounded(file, MAX_PROFILE_FILE_BYTES);
        } catch (IOException e) {
            throw refused("the AWS " + defaultName + " file " + file + " cannot be read (" + AwsCalls.describe(e) + ")");
        }
        if (bytes == null) {
            throw refused("the AWS " + defaultName + " file " + file + " is over " + MAX_PROFILE_FILE_BYTES + " bytes");
        }
        files.addFile(ProfileFile.builder().content(new ByteArrayInputStream(bytes)).type(type).build());
        return true;
    }

    /** Credentials from one of the SDK's providers that speak to a local agent; closed after use. */
    private static AwsCredentials fromSdk(AwsCredentialsProvider provider, Deadline deadline, Kind kind,
            String failure) throws RegistryException {
        deadline.leftFor("AWS credentials resolution");
        try {
            return provider.resolveCredentials();
        } catch (SdkException e) {
            if (deadline.expired()) {
                throw new RegistryException(Kind.TIMEOUT, "AWS: credentials were not found within the deadline");
            }
            throw new RegistryException(kind, "AWS: " + failure + " (" + AwsCalls.describe(e) + ")");
        } finally {
            if (provider instanceof SdkAutoCloseable closeable) {
                closeable.close();
            }
        }
    }

    private String set(String name) {
        String value = env.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    private static RegistryException refused(String message) {
        return new RegistryException(Kind.UNAUTHORIZED, "AWS: " + message);
    }
}
