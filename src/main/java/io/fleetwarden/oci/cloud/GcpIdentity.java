package io.fleetwarden.oci.cloud;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.ParallelReads;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.oci.RegistryProxy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Google registry logins for the service's own identity, as source-controller gets them (fluxcd/pkg/auth/gcp):
 * an access token from Application Default Credentials with the {@code cloud-platform} and {@code userinfo.email}
 * scopes, used as the password of user {@code oauth2accesstoken}, valid until the token expires.
 *
 * <p>The credentials are found in the order of Go's {@code google.FindDefaultCredentials}: the file
 * {@code GOOGLE_APPLICATION_CREDENTIALS} names (a service account key, a workload identity federation
 * configuration, an authorized user...), else gcloud's {@code ~/.config/gcloud/application_default_credentials.json},
 * else the metadata server of GCE or GKE (Workload Identity) when there is one. The token request itself is the
 * library's (google-auth-library). Nothing is kept between calls: {@link CloudLogins} keeps the login.
 */
final class GcpIdentity implements CloudIdentity {

    static final String USERNAME = "oauth2accesstoken";
    static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/cloud-platform",
            "https://www.googleapis.com/auth/userinfo.email");
    static final String CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS";
    static final String METADATA_HOST_ENV = "GCE_METADATA_HOST";
    /**
     * The life given to a token whose answer states none (an STS exchange may omit {@code expires_in}). Google's
     * tokens usually last an hour, but one we know nothing about may be shorter, and a login kept past its end
     * fails every pull until it is dropped. At CloudLogins' minimum margin it is never reused: each login asks
     * afresh, and the pull that uses it right away ends within its deadline, far shorter than this.
     */
    static final Duration UNSTATED_LIFETIME = Duration.ofSeconds(CloudLogins.MIN_LEFT_SECONDS);
    /** A credentials file is a few kilobytes; a bound keeps a wrong path (a device, a huge file) from filling memory. */
    private static final long MAX_FILE_BYTES = 1 << 20;
    private static final Pattern TYPE = Pattern.compile("[a-z_]{1,64}");

    private final Map<String, String> env;
    private final Predicate<String> resolves;

    /**
     * @param env      the service's environment ({@code GOOGLE_APPLICATION_CREDENTIALS}, {@code HOME},
     *                 {@code GCE_METADATA_HOST})
     * @param resolves whether a host name resolves (whether the metadata server's name exists here)
     */
    GcpIdentity(Map<String, String> env, Predicate<String> resolves) {
        this.env = Map.copyOf(env);
        this.resolves = resolves;
    }

    static CloudIdentity fromEnvironment() {
        return new GcpIdentity(System.getenv(), GcpIdentity::resolvable);
    }

    @Override
    public CloudLogin login(String registryInput, String registry, RegistryProxy proxies, Deadline deadline)
            throws RegistryException {
        deadline.leftFor("the Google token request");
        GcpTransport transport = new GcpTransport(proxies, deadline, nonEmpty(env.get(METADATA_HOST_ENV)));
        // The library bounds each HTTP request (20 s by default, with retries and back-off between them), not the
        // whole login, and DNS has no timeout of ours: the login runs on its own thread and is waited for at most
        // what is left; a login given up has its connections closed.
        Future<CloudLogin> running = ParallelReads.start(() -> fetch(transport, deadline));
        try {
            return ParallelReads.await(running, deadline, "the Google token request");
        } catch (RegistryException e) {
            if (e.kind() == Kind.TIMEOUT) {
                String host = transport.lastHost();
                throw new RegistryException(Kind.TIMEOUT, "GCP login: deadline exceeded waiting for a Google token"
                        + (host == null ? "" : " from " + host) + "; fleetwarden asks again at the next attempt");
            }
            throw e;
        } finally {
            transport.abort();
        }
    }

    private CloudLogin fetch(GcpTransport transport, Deadline deadline) throws RegistryException {
        Found found = find(transport);
        AccessToken token;
        try {
            token = found.credentials().refreshAccessToken();
        } catch (IOException | RuntimeException e) {
            if (deadline.expired()) {
                throw new RegistryException(Kind.TIMEOUT, "GCP login: deadline exceeded during the " + found.step());
            }
            throw GcpFailure.of(e, found.step(), transport.lastHost(), found.remedy());
        }
        if (token == null || token.getTokenValue() == null || token.getTokenValue().isBlank()) {
            throw new RegistryException(Kind.UNAVAILABLE, "GCP login: the " + found.step() + " ("
                    + transport.lastHost() + ") answered without an access token; fleetwarden asks again at the next "
                    + "attempt");
        }
        Instant expiresAt = token.getExpirationTime() == null ? Instant.now().plus(UNSTATED_LIFETIME)
                : token.getExpirationTime().toInstant();
        return new CloudLogin(USERNAME, token.getTokenValue(), expiresAt);
    }

    /** Credentials, and words for messages about them. */
    private record Found(GoogleCredentials credentials, String step, String remedy) {
    }

    private Found find(GcpTransport transport) throws RegistryException {
        String named = nonEmpty(env.get(CREDENTIALS_ENV));
        if (named != null) {
            // As Go: a file named but unreadable is an error, not a reason to look elsewhere.
            String what = "the credentials file " + CREDENTIALS_ENV + " names (" + named + ")";
            return fromFile(Path.of(named), what, transport,
                    "check that file and the access of the identity it describes");
        }
        Path wellKnown = home().resolve(".config").resolve("gcloud").resolve("application_default_credentials.json");
        if (Files.isReadable(wellKnown)) {
            return fromFile(wellKnown, "gcloud's application default credentials (" + wellKnown + ")", transport,
                    "run gcloud auth application-default login again, or set " + CREDENTIALS_ENV);
        }
        String metadataHost = nonEmpty(env.get(METADATA_HOST_ENV));
        // Go's metadata.OnGCE, in short: GCE_METADATA_HOST set, or the metadata server's name resolves (GKE's DNS
        // resolves it in every pod). Without either there is no metadata server to ask for a token.
        if (metadataHost != null || resolves.test(GcpTransport.METADATA_NAME)) {
            GoogleCredentials metadata = ComputeEngineCredentials.newBuilder().setHttpTransportFactory(transport)
                    .setScopes(SCOPES).build();
            return new Found(metadata, "Google token from the metadata server",
                    "check the GKE Workload Identity binding of fleetwarden's Kubernetes service account (or the "
                            + "node's service account and its scopes)");
        }
        throw new RegistryException(Kind.UNAUTHORIZED, "GCP login: no Google credentials found: set "
                + CREDENTIALS_ENV + " to a credentials file (a service account key or a workload identity federation "
                + "configuration), or run on GKE with Workload Identity for fleetwarden's service account");
    }

    private Found fromFile(Path path, String what, GcpTransport transport, String remedy) throws RegistryException {
        byte[] content;
        try {
            if (Files.size(path) > MAX_FILE_BYTES) {
                throw new RegistryException(Kind.UNAUTHORIZED, "GCP login: " + what + " is over "
                        + MAX_FILE_BYTES + " bytes: not a Google credentials file");
            }
            content = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new RegistryException(Kind.UNAUTHORIZED, "GCP login: cannot read " + what + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        // The library's parse errors may quote the file (a key, a refresh token): only the type is reported.
        String type = typeOf(content);
        if (type == null) {
            throw new RegistryException(Kind.UNAUTHORIZED, "GCP login: " + what
                    + " is not a Google credentials file (a JSON object with a \"type\")");
        }
        GoogleCredentials credentials;
        // fromStream accepts every type Go's CredentialsFromJSON does; its warning is about files of untrusted
        // origin, and this one is the service's own configuration, as source-controller reads it.
        try (InputStream in = new ByteArrayInputStream(content)) {
            credentials = GoogleCredentials.fromStream(in, transport).createScoped(SCOPES);
        } catch (IOException | RuntimeException e) {
            throw new RegistryException(Kind.UNAUTHORIZED, "GCP login: " + what + " of type \"" + type
                    + "\" is not usable: " + CREDENTIALS_ENV + " must name a service account key, a workload identity "
                    + "federation (external_account) configuration or an authorized user's credentials");
        }
        return new Found(credentials, "Google token for " + what, remedy);
    }

    /** The file's {@code type} when it is a plain word; null when the file is not a JSON object with one. */
    private static String typeOf(byte[] content) {
        return GcpFailure.plainMember(new String(content, StandardCharsets.UTF_8), "type", TYPE);
    }

    /** As Go's guessUnixHomeDir: {@code HOME}, else the account's home. */
    private Path home() {
        String home = nonEmpty(env.get("HOME"));
        return Path.of(home != null ? home : System.getProperty("user.home"));
    }

    private static boolean resolvable(String host) {
        try {
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
