package io.fleetwarden.admission;

import java.util.List;
import java.util.regex.Pattern;

/** The webhook paths fleetwarden serves, and the rules every path follows. */
public final class WebhookPaths {

    public static final String VALIDATE_OCIREPOSITORY = "/validate/ocirepository";
    public static final String VALIDATE_HELMCHART = "/validate/helmchart";
    public static final String VALIDATE_HELMREPOSITORY = "/validate/helmrepository";
    public static final String VALIDATE_POLICY = "/validate/policy";
    public static final String VALIDATE_TENANCY = "/validate/tenancy";
    public static final String MUTATE_TENANCY = "/mutate/tenancy";

    /**
     * The paths the cluster's webhook configurations point at. If one of them has no handler bean, a review
     * sent to it is denied (reason {@code NoHandler}) instead of answered with 404: a 404 is a call failure
     * that a {@code failurePolicy: Ignore} registration would turn into "allowed".
     */
    public static final List<String> PRODUCTION = List.of(VALIDATE_OCIREPOSITORY, VALIDATE_HELMCHART,
            VALIDATE_HELMREPOSITORY, VALIDATE_POLICY, VALIDATE_TENANCY,
            MUTATE_TENANCY);

    private static final Pattern SHAPE = Pattern.compile("/(validate|mutate)/[a-z][a-z0-9-]{0,62}");

    private WebhookPaths() {
    }

    public static boolean isWellFormed(String path) {
        return path != null && SHAPE.matcher(path).matches();
    }

    /** Only mutating webhooks may return a patch; the API server rejects a patch from a validating one. */
    public static boolean isMutating(String path) {
        return path.startsWith("/mutate/");
    }
}
