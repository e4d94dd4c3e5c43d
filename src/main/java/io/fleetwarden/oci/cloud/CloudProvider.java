package io.fleetwarden.oci.cloud;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.Locale;
import java.util.Optional;

/**
 * The cloud providers an {@code OCIRepository}'s {@code spec.provider} (or a {@code HelmRepository}'s) may name,
 * and which registries each issues logins for, as fluxcd/pkg/auth decides it (the patterns are Flux's, read with
 * Go's regexp semantics through RE2J). A registry the provider does not serve is refused with Flux's words before
 * any identity is asked: a token of the platform's cloud identity is only ever sent to that cloud's registries.
 */
public enum CloudProvider {

    AWS("aws"),
    GCP("gcp"),
    AZURE("azure");

    /** Both host names of public ECR; either selects the public token API, in us-east-1. */
    static final String PUBLIC_ECR = "public.ecr.aws";
    private static final String PUBLIC_ECR_DUAL_STACK = "ecr-public.aws.com";

    // From the AWS ECR credential helper, as fluxcd/pkg/auth/aws has it: anchored, so a match proves the host is ECR's.
    static final String AWS_PATTERN = "^([0-9]{12})\\.dkr[.-]ecr(?:-fips)?\\.([a-zA-Z0-9][a-zA-Z0-9_-]{0,99})\\."
            + "(amazonaws\\.(?:com(?:\\.cn)?|eu)|on\\.(?:aws|amazonwebservices\\.com\\.cn)|sc2s\\.sgov\\.gov|c2s\\.ic\\.gov"
            + "|cloud\\.adc-e\\.uk|csp\\.hci\\.ic\\.gov)$";
    static final String GCP_PATTERN = "^(((.+\\.)?gcr\\.io)|(.+-docker\\.pkg\\.dev)|(docker\\.s3nsregistry\\.fr))$";
    static final String AZURE_PATTERN = "^.+\\.(azurecr\\.io|azurecr\\.cn|azurecr\\.de|azurecr\\.us)$";
    private static final Pattern AWS_REGISTRY = Pattern.compile(AWS_PATTERN);
    private static final Pattern GCP_REGISTRY = Pattern.compile(GCP_PATTERN);
    private static final Pattern AZURE_REGISTRY = Pattern.compile(AZURE_PATTERN);

    private final String fieldValue;

    CloudProvider(String fieldValue) {
        this.fieldValue = fieldValue;
    }

    /** The value of {@code spec.provider} that names this provider. */
    public String fieldValue() {
        return fieldValue;
    }

    /**
     * The provider a {@code spec.provider} value names: empty for {@code generic}, an empty value or none (the
     * source's own secrets, or anonymous).
     *
     * @throws IllegalArgumentException for a value Flux's CRDs do not allow
     */
    public static Optional<CloudProvider> named(String provider) {
        if (provider == null || provider.isEmpty() || provider.equals("generic")) {
            return Optional.empty();
        }
        for (CloudProvider p : values()) {
            if (p.fieldValue.equals(provider)) {
                return Optional.of(p);
            }
        }
        throw new IllegalArgumentException("spec.provider \"" + provider + "\" is not one of generic, aws, azure, gcp");
    }

    /**
     * What a login for {@code registry} (a host, with a port if it has one) is issued for: the ECR region (or
     * {@value #PUBLIC_ECR}) for AWS, {@code gcp} for GCP (one token serves every registry), the registry host for
     * Azure (an ACR refresh token is per registry). Logins are cached by it.
     *
     * @throws IllegalArgumentException with Flux's message when the provider serves no such registry
     */
    public String registryInput(String registry) {
        String host = registry.toLowerCase(Locale.ROOT);
        return switch (this) {
            case AWS -> {
                if (host.equals(PUBLIC_ECR) || host.equals(PUBLIC_ECR_DUAL_STACK)) {
                    yield PUBLIC_ECR;
                }
                Matcher m = AWS_REGISTRY.matcher(host);
                if (!m.find()) {
                    throw invalid("AWS", registry, "must match " + AWS_PATTERN);
                }
                yield m.group(2);
            }
            case GCP -> {
                if (!GCP_REGISTRY.matcher(host).find()) {
                    throw invalid("GCP", registry, "must match " + GCP_PATTERN);
                }
                yield "gcp";
            }
            case AZURE -> {
                if (!AZURE_REGISTRY.matcher(host).find()) {
                    throw invalid("Azure", registry, "must match " + AZURE_PATTERN);
                }
                yield host;
            }
        };
    }

    private static IllegalArgumentException invalid(String cloud, String registry, String rule) {
        return new IllegalArgumentException("invalid " + cloud + " registry: '" + registry + "'. " + rule);
    }
}
