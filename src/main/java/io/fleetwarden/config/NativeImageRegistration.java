package io.fleetwarden.config;

import io.fleetwarden.api.v1alpha1.ArtifactPolicy;
import io.fleetwarden.api.v1alpha1.ArtifactPolicySpec;
import io.fleetwarden.api.v1alpha1.AuthoritySpec;
import io.fleetwarden.api.v1alpha1.ExemptionSpec;
import io.fleetwarden.api.v1alpha1.GithubSpec;
import io.fleetwarden.api.v1alpha1.KeySpec;
import io.fleetwarden.api.v1alpha1.KeylessSpec;
import io.fleetwarden.api.v1alpha1.LabelSelectorRequirementSpec;
import io.fleetwarden.api.v1alpha1.LabelSelectorSpec;
import io.fleetwarden.api.v1alpha1.PlatformIdentitiesSpec;
import io.fleetwarden.api.v1alpha1.PolicyStatus;
import io.fleetwarden.api.v1alpha1.TagRefBindingSpec;
import io.fleetwarden.api.v1alpha1.TenancyPolicy;
import io.fleetwarden.api.v1alpha1.TenancyPolicySpec;
import io.fleetwarden.api.v1alpha1.TenantSpec;
import io.fleetwarden.api.v1alpha1.TrustedRootFromSpec;
import io.fleetwarden.api.v1alpha1.TrustedRootKeyRef;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the native image must keep for reflection (JVM mode needs none of this; NativeImageRegistrationTest
 * keeps the lists complete):
 * <ul>
 * <li>the policy types, which Jackson databind reads by reflection (public fields, no-argument constructors):
 * from the informers (fabric8) and from {@code PolicyDocuments} (files, the policy webhook), and written by
 * {@code PolicyStatusWriter} ({@code PolicyStatus}). Registered here in one place so that {@code api} stays
 * free of Quarkus. No other class is bound by Jackson: everything else reads trees ({@code readTree}) or writes maps.</li>
 * <li>the picocli commands, options and argument groups of the CLI, whose annotations picocli reads at run
 * time (the CLI is plain picocli, not the Quarkus extension that would register them), and picocli's own
 * {@code help} command and {@code --help}/{@code --version} mixin, which every command has. By name: they are
 * package-private or private.</li>
 * </ul>
 * The embedded public-good trusted root is a resource, listed in {@code quarkus.native.resources.includes}.
 */
@RegisterForReflection(targets = { ArtifactPolicy.class, ArtifactPolicySpec.class, AuthoritySpec.class,
        ExemptionSpec.class, GithubSpec.class, KeySpec.class, KeylessSpec.class, LabelSelectorRequirementSpec.class,
        LabelSelectorSpec.class, PlatformIdentitiesSpec.class, PolicyStatus.class, TagRefBindingSpec.class,
        TenancyPolicy.class, TenancyPolicySpec.class, TenantSpec.class, TrustedRootFromSpec.class,
        TrustedRootKeyRef.class }, classNames = { "io.fleetwarden.cli.FleetwardenCli",
                "io.fleetwarden.cli.FleetwardenCli$Version", "io.fleetwarden.cli.CheckCommand",
                "io.fleetwarden.cli.BuildCommand", "io.fleetwarden.cli.BuildCommand$Kustomization",
                "io.fleetwarden.cli.VerifyCommand", "io.fleetwarden.cli.VerifyBundleCommand",
                "io.fleetwarden.cli.VerifyBundleCommand$Signer", "io.fleetwarden.cli.VerifyBundleCommand$Keyless",
                "io.fleetwarden.cli.IdentityOptions", "io.fleetwarden.cli.RegistryOptions",
                "io.fleetwarden.cli.BuildResourceSetCommand", "io.fleetwarden.cli.DiffCommand",
                "io.fleetwarden.cli.DiffCommand$Kustomization", "io.fleetwarden.cli.KustomizationBuild",
                "io.fleetwarden.cli.KubeconfigOptions", "io.fleetwarden.cli.PostBuildOptions",
                "io.fleetwarden.cli.TestCommand",
                "picocli.CommandLine$HelpCommand",
                "picocli.CommandLine$AutoHelpMixin" })
public final class NativeImageRegistration {

    private NativeImageRegistration() {
    }
}
