package io.fleetwarden.cli;

import io.fleetwarden.oci.HttpRegistryClient;
import io.fleetwarden.oci.RegistryClientConfig;
import io.fleetwarden.oci.RegistryCredentials;
import io.fleetwarden.oci.RegistryProxy;
import io.fleetwarden.oci.RegistryTls;
import io.fleetwarden.oci.TlsPem;
import io.fleetwarden.verify.TrustAnchor;
import io.fleetwarden.verify.cosign.CosignSignatureVerifier;
import io.fleetwarden.verify.cosign.TrustedRootException;
import io.fleetwarden.verify.cosign.TrustedRoots;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the artifact lives and what to trust: registry access, credentials, trusted roots, deadline. */
final class RegistryOptions {

    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
            description = "Allow plain HTTP to this registry (repeatable). Loopback registries always may.")
    List<String> insecure = List.of();

    @Option(names = "--registry-cacert", paramLabel = "FILE", description = "CA certificates (PEM) the registry's "
            + "TLS certificate must chain to, in place of the system's roots, as cosign reads it. (In the cluster, an "
            + "OCIRepository's certSecretRef adds its ca.crt to the system's roots, as source-controller does.)")
    Path registryCaCert;

    @Option(names = "--registry-client-cert", paramLabel = "FILE",
            description = "A client certificate (PEM) for registries that ask for one; needs --registry-client-key.")
    Path registryClientCert;

    @Option(names = "--registry-client-key", paramLabel = "FILE",
            description = "The private key (PEM: PKCS#8, PKCS#1 or SEC 1) of --registry-client-cert.")
    Path registryClientKey;

    @Option(names = "--docker-config", paramLabel = "FILE",
            description = "Registry credentials: a Docker config.json or a Kubernetes .dockerconfigjson.")
    Path dockerConfig;

    /**
     * A policy's {@code trustedRootFrom} is a ConfigMap or Secret in the cluster; the CLI has no cluster, so the
     * file is given under the root's derived name, the same one the service loads it under.
     */
    @Option(names = "--trusted-root", paramLabel = "[NAME=]FILE", description = "A trusted_root.json. Without NAME it "
            + "replaces the embedded public-good root; with NAME it adds a root policies refer to (repeatable): the "
            + "name of trustedRoot, or for trustedRootFrom configmap:<name>/<key> or secret:<name>/<key>, e.g. "
            + "configmap:corp-root/trusted_root.json=corp-root.json (key trusted_root.json unless the policy names one).")
    List<String> trustedRoots = List.of();

    @Option(names = "--refresh-public-good", paramLabel = "CACHE_DIR", description = "Fetch the current public-good "
            + "trusted root over TUF (network: tuf-repo-cdn.sigstore.dev) into CACHE_DIR before verifying. Without it, "
            + "the embedded root is used and nothing is fetched.")
    Path refreshPublicGood;

    @Option(names = "--timeout", defaultValue = "20s", paramLabel = "DURATION",
            description = "One deadline for every registry call of this verification, e.g. 10s, 1m. Default ${DEFAULT-VALUE}.")
    String timeout;

    record Services(HttpRegistryClient registry, CosignSignatureVerifier signatures) {
    }

    Duration timeout() {
        String t = timeout.strip().toLowerCase();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw CliFailure.usage("--timeout: expected a duration such as 500ms, 10s or 1m, got \"" + timeout + "\"");
    }

    /**
     * @throws CliFailure a usage error for a bad value or a file that cannot be read or used, naming the option;
     *                    "unavailable" when the public-good root was to be refreshed and could not be
     */
    Services services() {
        timeout();
        RegistryClientConfig.Builder config = RegistryClientConfig.builder();
        insecure.forEach(config::insecureHost);
        if (dockerConfig != null) {
            byte[] json = OptionFile.read("--docker-config", dockerConfig);
            try {
                config.credentials(RegistryCredentials.fromDockerConfigJson(json));
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage("--docker-config " + dockerConfig + ": " + e.getMessage());
            }
        }
        config.tls(tls());
        try {
            // As cosign and Flux: HTTPS_PROXY, HTTP_PROXY and NO_PROXY from the environment.
            config.proxy(RegistryProxy.fromEnvironment(System.getenv()));
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }
        return new Services(new HttpRegistryClient(config.build()),
                new CosignSignatureVerifier(trustedRoots(), Clock.systemUTC()));
    }

    /**
     * cosign's meaning, except that a certificate without its key (or a key without its certificate) is a usage
     * error here, where cosign ignores the one given.
     */
    private RegistryTls tls() {
        if ((registryClientCert == null) != (registryClientKey == null)) {
            throw CliFailure.usage(registryClientCert != null ? "--registry-client-cert needs --registry-client-key"
                    : "--registry-client-key needs --registry-client-cert");
        }
        try {
            List<X509Certificate> roots = registryCaCert == null ? List.of()
                    : TlsPem.caCertificates(OptionFile.read("--registry-cacert", registryCaCert),
                            "--registry-cacert " + registryCaCert);
            RegistryTls.ClientIdentity client = registryClientCert == null ? null
                    : TlsPem.clientIdentity(OptionFile.read("--registry-client-cert", registryClientCert),
                            "--registry-client-cert " + registryClientCert,
                            OptionFile.read("--registry-client-key", registryClientKey),
                            "--registry-client-key " + registryClientKey);
            return RegistryTls.only(roots, client);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }
    }

    TrustedRoots trustedRoots() {
        TrustedRoots roots = TrustedRoots.withPublicGood();
        if (refreshPublicGood != null) {
            // The only network call fleetwarden makes outside registries, and only when asked for. Its failure is
            // the network's (or the TUF repository's), not the user's: "unavailable", like a registry that is down.
            try {
                roots.refreshPublicGood(refreshPublicGood);
            } catch (TrustedRootException e) {
                throw CliFailure.unavailable("--refresh-public-good: " + e.getMessage(), e);
            }
        }
        for (String spec : trustedRoots) {
            int eq = spec.indexOf('=');
            String name = eq < 0 ? TrustAnchor.PUBLIC_GOOD : spec.substring(0, eq);
            Path file = Path.of(eq < 0 ? spec : spec.substring(eq + 1));
            byte[] json = OptionFile.read("--trusted-root", file);
            try {
                roots = roots.add(name, json);
            } catch (TrustedRootException e) {
                throw CliFailure.usage("--trusted-root " + file + ": " + e.getMessage());
            }
        }
        return roots;
    }
}
