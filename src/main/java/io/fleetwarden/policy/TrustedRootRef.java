package io.fleetwarden.policy;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A trusted root kept in a ConfigMap or Secret of fleetwarden's own namespace ({@code trustedRootFrom}), and
 * the name it is loaded under: {@code configmap:<name>/<key>} or {@code secret:<name>/<key>}. The verifier
 * looks roots up by name only, so the derived name is the whole contract between the policy, the service
 * that loads the object and the CLI ({@code --trusted-root configmap:corp-root/trusted_root.json=FILE}).
 * The namespace is not part of the name: there is only one, fleetwarden's.
 */
public record TrustedRootRef(Kind kind, String name, String key) {

    public static final String DEFAULT_KEY = "trusted_root.json";

    /** Kubernetes' DNS-1123 subdomain, the rule for ConfigMap and Secret names. */
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** Kubernetes' rule for ConfigMap and Secret data keys. */
    private static final Pattern DATA_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final int MAX_LENGTH = 253;

    public enum Kind {
        CONFIG_MAP("configmap", "ConfigMap"), SECRET("secret", "Secret");

        private final String prefix;
        private final String kubernetesKind;

        Kind(String prefix, String kubernetesKind) {
            this.prefix = prefix;
            this.kubernetesKind = kubernetesKind;
        }

        public String kubernetesKind() {
            return kubernetesKind;
        }
    }

    public TrustedRootRef {
        if (kind == null || nameProblem(name).isPresent() || keyProblem(key).isPresent()) {
            throw new IllegalArgumentException("not a valid trusted root reference: " + kind + " " + name + "/" + key);
        }
    }

    /** The name the root is loaded and looked up under. */
    public String rootName() {
        return kind.prefix + ":" + name + "/" + key;
    }

    /** For messages: {@code ConfigMap flux-system/corp-root}. */
    public String object(String namespace) {
        return kind.kubernetesKind + " " + namespace + "/" + name;
    }

    /** The reference a derived root name stands for; empty for any other root name (public-good, a file's). */
    public static Optional<TrustedRootRef> ofRootName(String rootName) {
        if (rootName == null) {
            return Optional.empty();
        }
        for (Kind kind : Kind.values()) {
            if (rootName.startsWith(kind.prefix + ":")) {
                String rest = rootName.substring(kind.prefix.length() + 1);
                int slash = rest.indexOf('/');
                if (slash < 0) {
                    return Optional.empty();
                }
                String name = rest.substring(0, slash);
                String key = rest.substring(slash + 1);
                return nameProblem(name).isEmpty() && keyProblem(key).isEmpty()
                        ? Optional.of(new TrustedRootRef(kind, name, key)) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Whether {@code trustedRoot} uses a prefix reserved for roots from ConfigMaps and Secrets. */
    public static boolean isReservedName(String trustedRoot) {
        for (Kind kind : Kind.values()) {
            if (trustedRoot != null && trustedRoot.startsWith(kind.prefix + ":")) {
                return true;
            }
        }
        return false;
    }

    static Optional<String> nameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("is required");
        }
        if (name.length() > MAX_LENGTH || !SUBDOMAIN.matcher(name).matches()) {
            return Optional.of("must be a DNS-1123 subdomain (lower case letters, digits, '-' and '.', at most "
                    + MAX_LENGTH + " characters), got \"" + name + "\"");
        }
        return Optional.empty();
    }

    static Optional<String> keyProblem(String key) {
        if (key == null || key.isEmpty()) {
            return Optional.of("must not be empty");
        }
        if (key.length() > MAX_LENGTH || !DATA_KEY.matcher(key).matches() || key.equals(".") || key.equals("..")) {
            return Optional.of("must be a valid ConfigMap key (letters, digits, '-', '_' and '.', not . or .., at most "
                    + MAX_LENGTH + " characters), got \"" + key + "\"");
        }
        return Optional.empty();
    }
}
