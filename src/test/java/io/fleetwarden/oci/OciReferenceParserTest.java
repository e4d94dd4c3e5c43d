package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OciReferenceParserTest {

    private static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            oci://ghcr.io/org/repo/component                   | ghcr.io        | org/repo/component | -      | -
            ghcr.io/org/repo/component:1.2.3                   | ghcr.io        | org/repo/component | 1.2.3  | -
            ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef | ghcr.io | org/app | - | sha256
            oci://ghcr.io/org/app:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef | ghcr.io | org/app | v1 | sha256
            nginx                                              | docker.io      | library/nginx      | -      | -
            nginx:1.27                                         | docker.io      | library/nginx      | 1.27   | -
            fluxcd/flux-manifests:latest                       | docker.io      | fluxcd/flux-manifests | latest | -
            docker.io/nginx                                    | docker.io      | library/nginx      | -      | -
            index.docker.io/org/app                            | docker.io      | org/app            | -      | -
            localhost/app                                      | localhost      | app                | -      | -
            localhost:5000/app:v1                              | localhost:5000 | app                | v1     | -
            127.0.0.1:5001/x                                   | 127.0.0.1:5001 | x                  | -      | -
            [::1]:5000/team/app:v2                             | [::1]:5000     | team/app           | v2     | -
            [::1]/app                                          | [::1]          | app                | -      | -
            GHCR.IO/org/app                                    | ghcr.io        | org/app            | -      | -
            registry.example.com:443/a.b/c_d/e__f/g---h:_Tag.1-x | registry.example.com:443 | a.b/c_d/e__f/g---h | _Tag.1-x | -
            """)
    void acceptsReferencesAsUsersWriteThem(String input, String registry, String repository, String tag, String digestAlgorithm) {
        OciReference ref = OciReferenceParser.parse(input);

        assertThat(ref.registry()).isEqualTo(registry);
        assertThat(ref.repository()).isEqualTo(repository);
        assertThat(ref.tag()).isEqualTo(tag);
        if (digestAlgorithm == null) {
            assertThat(ref.digest()).isNull();
        } else {
            assertThat(ref.digest()).isEqualTo(new Digest(digestAlgorithm, HEX));
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            oci://ghcr.io/Org/x             | repository path component "Org" must be lower case
            https://ghcr.io/org/x           | unsupported scheme "https://": write oci://host/repository or host/repository without a scheme
            ''                              | empty
            '  '                            | contains whitespace or control characters
            'ghcr.io/org/x :v1'             | contains whitespace or control characters
            ghcr.io/org/x:                  | tag "" must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}
            ghcr.io/org/x:-v1               | tag "-v1" must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}
            ghcr.io/org/x:v1+build          | tag "v1+build" must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}
            ghcr.io/org/x@sha256:abc        | invalid digest "sha256:abc": expected sha256:<64 lowercase hex> or sha512:<128 lowercase hex>
            ghcr.io/org/x@md5:abc           | invalid digest "md5:abc": expected sha256:<64 lowercase hex> or sha512:<128 lowercase hex>
            ghcr.io/org/x@                  | invalid digest "": expected <algorithm>:<hex>
            ghcr.io/org//x                  | repository path "org//x" has an empty component
            ghcr.io/org/x/                  | repository path "org/x/" has an empty component
            ghcr.io/                        | repository path is empty
            ghcr.io/org/-x                  | 'repository path component "-x" must match [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*'
            ghcr.io/org/x..y                | 'repository path component "x..y" must match [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*'
            ghcr.io/org/x___y               | 'repository path component "x___y" must match [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*'
            localhost:99999/app             | registry port "99999" must be a number from 1 to 65535
            localhost:0/app                 | registry port "0" must be a number from 1 to 65535
            localhost:http/app              | registry port "http" must be a number from 1 to 65535
            ghcr-.io/org/x                  | registry host "ghcr-.io" is not a valid host name or IPv4 address
            ghcr..io/org/x                  | registry host "ghcr..io" is not a valid host name or IPv4 address
            [::1/app                        | registry "[::1" is not a valid [IPv6]:port address
            [::1]x/app                      | registry "[::1]x" has text after the IPv6 address that is not a :port
            [zz]:5000/app                   | registry "[zz]:5000" is not a valid [IPv6]:port address
            :v1                             | repository name is empty
            oci://                          | repository name is empty
            """)
    void rejectsMalformedReferencesNamingThePart(String input, String reason) {
        String text = input == null ? "" : input;
        assertThatThrownBy(() -> OciReferenceParser.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid OCI reference \"" + text + "\": " + reason);
    }

    @org.junit.jupiter.api.Test
    void rejectsNullAndOverLongNames() {
        assertThatThrownBy(() -> OciReferenceParser.parse(null)).hasMessage("invalid OCI reference \"null\": empty");
        String longName = "ghcr.io/" + "a".repeat(247);
        assertThat(OciReferenceParser.parse(longName).repository()).hasSize(247);
        String tooLong = longName + "a";
        assertThatThrownBy(() -> OciReferenceParser.parse(tooLong + ":v1"))
                .hasMessage("invalid OCI reference \"" + tooLong + ":v1\": name is 256 characters long, at most 255 are allowed");
    }

    @org.junit.jupiter.api.Test
    void toStringRoundTrips() {
        String text = "ghcr.io/org/app:v1@sha256:" + HEX;
        assertThat(OciReference.parse(text)).hasToString(text);
        assertThat(OciReference.parse("oci://localhost:5000/app").repositoryName()).isEqualTo("localhost:5000/app");
    }
}
