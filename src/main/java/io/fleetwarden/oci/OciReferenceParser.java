package io.fleetwarden.oci;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses OCI references as users write them, with the grammar of the OCI distribution spec and Docker's
 * defaults: {@code oci://ghcr.io/org/app}, {@code ghcr.io/org/app:1.0@sha256:...}, {@code nginx}
 * ({@code docker.io/library/nginx}), {@code localhost:5000/app:v1}, {@code [::1]:5000/app}.
 *
 * <p>The {@code oci://} scheme is the Flux OCIRepository {@code spec.url} form, which carries no tag (tag and
 * digest come from {@code spec.ref}), so a reference with neither is valid. Every other scheme is refused:
 * an {@code https://} URL is almost always a paste of a web page address, not an artifact. Each error names
 * the part that is wrong, because users fix references by reading the message.
 */
final class OciReferenceParser {

    static final String DOCKER_HUB = "docker.io";
    private static final String SCHEME = "oci://";
    private static final int MAX_NAME_LENGTH = 255;
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
    private static final Pattern DOMAIN_COMPONENT = Pattern.compile("[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    private OciReferenceParser() {
    }

    static OciReference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw invalid(text, "empty");
        }
        if (text.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw invalid(text, "contains whitespace or control characters");
        }
        String rest = text;
        int scheme = rest.indexOf("://");
        if (scheme >= 0) {
            if (!rest.startsWith(SCHEME)) {
                throw invalid(text, "unsupported scheme \"" + rest.substring(0, scheme) + "://\": write oci://host/repository"
                        + " or host/repository without a scheme");
            }
            rest = rest.substring(SCHEME.length());
        }
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = parseDigest(text, rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/') && colon > rest.lastIndexOf(']')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, "tag \"" + tag + "\" must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
            }
        }
        if (rest.isEmpty()) {
            throw invalid(text, "repository name is empty");
        }
        if (rest.length() > MAX_NAME_LENGTH) {
            throw invalid(text, "name is " + rest.length() + " characters long, at most " + MAX_NAME_LENGTH + " are allowed");
        }
        int slash = rest.indexOf('/');
        String registry = DOCKER_HUB;
        String repository = rest;
        if (slash >= 0 && isRegistry(rest.substring(0, slash))) {
            registry = rest.substring(0, slash).toLowerCase(Locale.ROOT);
            repository = rest.substring(slash + 1);
            String problem = registryProblem(registry);
            if (problem != null) {
                throw invalid(text, problem);
            }
        }
        if ("index.docker.io".equals(registry)) {
            registry = DOCKER_HUB;
        }
        String problem = repositoryProblem(repository);
        if (problem != null) {
            throw invalid(text, problem);
        }
        if (DOCKER_HUB.equals(registry) && repository.indexOf('/') < 0) {
            repository = "library/" + repository;
        }
        return new OciReference(registry, repository, tag, digest);
    }

    /** Docker's rule: the first component is a registry only when it cannot be a repository component. */
    private static boolean isRegistry(String first) {
        return first.contains(".") || first.contains(":") || first.startsWith("[") || "localhost".equals(first);
    }

    /** Why {@code registry} (host[:port]) is not valid; null when it is. */
    static String registryProblem(String registry) {
        String host = registry;
        String port = null;
        if (registry.startsWith("[")) {
            int close = registry.indexOf(']');
            if (close < 0 || !IPV6.matcher(registry.substring(1, close)).matches()
                    || !registry.substring(1, close).contains(":")) {
                return "registry \"" + registry + "\" is not a valid [IPv6]:port address";
            }
            host = registry.substring(0, close + 1);
            String after = registry.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    return "registry \"" + registry + "\" has text after the IPv6 address that is not a :port";
                }
                port = after.substring(1);
            }
        } else {
            int colon = registry.lastIndexOf(':');
            if (colon >= 0) {
                host = registry.substring(0, colon);
                port = registry.substring(colon + 1);
            }
            for (String component : host.split("\\.", -1)) {
                if (!DOMAIN_COMPONENT.matcher(component).matches()) {
                    return "registry host \"" + host + "\" is not a valid host name or IPv4 address";
                }
            }
        }
        if (port != null && (!PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
            return "registry port \"" + port + "\" must be a number from 1 to 65535";
        }
        return null;
    }

    /** Why {@code repository} is not a valid repository path; null when it is. */
    static String repositoryProblem(String repository) {
        if (repository.isEmpty()) {
            return "repository path is empty";
        }
        for (String component : repository.split("/", -1)) {
            if (component.isEmpty()) {
                return "repository path \"" + repository + "\" has an empty component";
            }
            if (!PATH_COMPONENT.matcher(component).matches()) {
                return "repository path component \"" + component + "\" "
                        + (PATH_COMPONENT.matcher(component.toLowerCase(Locale.ROOT)).matches()
                                ? "must be lower case"
                                : "must match [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*");
            }
        }
        return null;
    }

    static boolean isValidTag(String tag) {
        return tag != null && TAG.matcher(tag).matches();
    }

    private static Digest parseDigest(String text, String digest) {
        try {
            return Digest.parse(digest);
        } catch (IllegalArgumentException e) {
            throw invalid(text, e.getMessage());
        }
    }

    private static IllegalArgumentException invalid(String text, String reason) {
        return new IllegalArgumentException("invalid OCI reference \"" + text + "\": " + reason);
    }
}
