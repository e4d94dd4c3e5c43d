package io.fleetwarden.oci.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Which registries each provider issues logins for, with fluxcd/pkg/auth's patterns and messages. */
class CloudProviderTest {

    @Test
    void genericOrNoProviderMeansNoCloudIdentity() {
        assertThat(CloudProvider.named(null)).isEmpty();
        assertThat(CloudProvider.named("")).isEmpty();
        assertThat(CloudProvider.named("generic")).isEmpty();
        assertThat(CloudProvider.named("aws")).contains(CloudProvider.AWS);
        assertThat(CloudProvider.named("gcp")).contains(CloudProvider.GCP);
        assertThat(CloudProvider.named("azure")).contains(CloudProvider.AZURE);
        assertThatThrownBy(() -> CloudProvider.named("AWS")).hasMessage(
                "spec.provider \"AWS\" is not one of generic, aws, azure, gcp");
    }

    @ParameterizedTest
    @CsvSource({
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com, eu-west-1",
        "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com, us-gov-west-1",
        "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn, cn-north-1",
        "123456789012.dkr-ecr.eu-central-1.on.aws, eu-central-1",
        "123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu, eusc-de-east-1",
        "public.ecr.aws, public.ecr.aws",
        "ecr-public.aws.com, public.ecr.aws"})
    void awsLoginsAreIssuedPerEcrRegion(String registry, String input) {
        assertThat(CloudProvider.AWS.registryInput(registry)).isEqualTo(input);
    }

    /** A token of the platform's AWS identity must never go to a host that only looks like ECR's. */
    @ParameterizedTest
    @ValueSource(strings = {"123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.io", "12345678901.dkr.ecr.eu-west-1.amazonaws.com",
        "evil.io", "123456789012.dkr.ecr.eu-west-1.amazonaws.com:443", "x123456789012.dkr.ecr.eu-west-1.amazonaws.com"})
    void awsRefusesHostsThatAreNotEcr(String registry) {
        assertThatThrownBy(() -> CloudProvider.AWS.registryInput(registry))
                .hasMessage("invalid AWS registry: '" + registry + "'. must match " + CloudProvider.AWS_PATTERN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gcr.io", "eu.gcr.io", "europe-west1-docker.pkg.dev", "docker.s3nsregistry.fr"})
    void gcpServesContainerAndArtifactRegistry(String registry) {
        assertThat(CloudProvider.GCP.registryInput(registry)).isEqualTo("gcp");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ghcr.io", "gcr.io.evil.io", "docker.pkg.dev", "europe-west1-docker.pkg.dev:443"})
    void gcpRefusesOtherRegistries(String registry) {
        assertThatThrownBy(() -> CloudProvider.GCP.registryInput(registry))
                .hasMessage("invalid GCP registry: '" + registry + "'. must match " + CloudProvider.GCP_PATTERN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fleet.azurecr.io", "fleet.azurecr.cn", "fleet.azurecr.de", "fleet.azurecr.us"})
    void azureLoginsAreIssuedPerRegistry(String registry) {
        assertThat(CloudProvider.AZURE.registryInput(registry)).isEqualTo(registry);
    }

    @ParameterizedTest
    @ValueSource(strings = {"azurecr.io", "fleet.azurecr.io.evil.io", "fleet.azurecr.io:443", "fleetazurecr.io"})
    void azureRefusesOtherRegistries(String registry) {
        assertThatThrownBy(() -> CloudProvider.AZURE.registryInput(registry))
                .hasMessage("invalid Azure registry: '" + registry + "'. must match " + CloudProvider.AZURE_PATTERN);
    }
}
