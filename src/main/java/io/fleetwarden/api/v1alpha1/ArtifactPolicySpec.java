package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * The schema rejects what a schema can (types, the mode's values, oci:// sources, one kind of authority);
 * the validating webhook compiles the whole policy and reports every violation with its path.
 */
// Every object of the spec keeps fields the schema does not know (x-kubernetes-preserve-unknown-fields), so the
// API server never prunes them: a misspelt optional restriction (github.workfow) pruned away would leave a wider
// policy. They reach the policy webhook, whose strict reader refuses them with their path (docs/operations.md).
// CrdSchemaTest holds every object of both schemas to it.
@PreserveUnknownFields
public class ArtifactPolicySpec {

    @JsonPropertyDescription("OCI sources this policy covers, as URL patterns where * matches any run of characters, "
            + "e.g. oci://ghcr.io/acme/fleet-apps/*")
    @Required
    @Size(min = 1)
    @ValidationRule(value = "self.all(s, s.startsWith('oci://'))", message = "every source must be an oci:// URL pattern")
    public List<String> sources;

    @JsonPropertyDescription("Only OCI sources in namespaces matching this label selector; absent: every namespace.")
    public LabelSelectorSpec namespaceSelector;

    @JsonPropertyDescription("Enforce (deny what does not verify), Warn (admit with a warning) or Allow (admit the "
            + "covered sources without a signature, e.g. third-party chart repositories; authorities must be empty). "
            + "Default Enforce.")
    @Pattern("^(Enforce|Warn|Allow)$")
    // Defaulted by the API server, so the stored object and the Mode column say what an absent mode means.
    @Default("Enforce")
    @PrinterColumn(name = "Mode")
    public String mode;

    @JsonPropertyDescription("Ways the artifact may be signed; any one that accepts a signature admits it.")
    public List<AuthoritySpec> authorities;
}
