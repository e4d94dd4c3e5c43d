package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

public class ArtifactPolicySpec {

    @JsonPropertyDescription("OCI sources this policy covers, as URL patterns where * matches any run of characters, "
            + "e.g. oci://ghcr.io/acme/fleet-apps/*")
    public List<String> sources;

    @JsonPropertyDescription("Enforce (deny what does not verify), Warn (admit with a warning) or Allow (admit the "
            + "covered sources without a signature, e.g. third-party chart repositories; authorities must be empty). "
            + "Default Enforce.")
    public String mode;

    @JsonPropertyDescription("Ways the artifact may be signed; any one that accepts a signature admits it.")
    public List<AuthoritySpec> authorities;
}
