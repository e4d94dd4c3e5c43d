package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * One key of a ConfigMap or Secret in fleetwarden's namespace. The schema patterns are Kubernetes' own rules
 * (a DNS-1123 subdomain; a ConfigMap key); the policy compiler checks the same, so files read by the CLI get
 * the same answer as the API server gives.
 */
@PreserveUnknownFields // unknown fields reach the policy webhook, which refuses them (see ArtifactPolicySpec)
public class TrustedRootKeyRef {

    public static final String DEFAULT_KEY = "trusted_root.json";

    @JsonPropertyDescription("Name of the object in fleetwarden's namespace (a DNS-1123 subdomain).")
    @Required
    @Size(min = 1, max = 253)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    public String name;

    @JsonPropertyDescription("Key holding the trusted_root.json. Default trusted_root.json.")
    @Default(DEFAULT_KEY)
    @Size(min = 1, max = 253)
    @Pattern("^[-._a-zA-Z0-9]+$")
    public String key;
}
