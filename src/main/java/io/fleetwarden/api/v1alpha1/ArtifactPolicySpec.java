package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

public class ArtifactPolicySpec {

    @JsonPropertyDescription("OCI sources this policy covers, as URL patterns where * matches any run of characters, "
            + "e.g. oci://ghcr.io/acme/fleet-apps/*")
    public List<String> sources;

    @JsonPropertyDescription("Enforce (deny what does not verify) or Warn (admit with a warning). Default Enforce.")
    public String mode;

    @JsonPropertyDescription("Ways the artifact may be signed; any one that accepts a signature admits it.")
    public List<AuthoritySpec> authorities;
}
