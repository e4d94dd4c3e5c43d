package io.fleetwarden.testing;

/** Sources as a cluster running D2 holds them, shared by the tests that read or apply them. */
public final class FleetSources {

    /**
     * Three of D2's production sources as Flux's CLI exports them: a tenant's app (namespace {@code frontend}), the
     * fleet itself ({@code flux-system}) and a third-party chart ({@code monitoring}).
     */
    public static final String D2_FLUX_EXPORT = """
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: OCIRepository
            metadata:
              name: apps
              namespace: frontend
            spec:
              interval: 5m0s
              provider: generic
              ref:
                tag: latest-stable
              secretRef:
                name: ghcr-auth
              serviceAccountName: flux
              url: oci://ghcr.io/controlplaneio-fluxcd/d2-apps/frontend
              verify:
                matchOIDCIdentity:
                - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                  subject: ^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/release-artifact\\.yaml@refs/tags/.*$
                provider: cosign
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: OCIRepository
            metadata:
              name: flux-system
              namespace: flux-system
            spec:
              interval: 1m0s
              provider: generic
              ref:
                tag: latest-stable
              secretRef:
                name: ghcr-auth
              url: oci://ghcr.io/controlplaneio-fluxcd/d2-fleet
              verify:
                matchOIDCIdentity:
                - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                  subject: ^https://github\\.com/controlplaneio-fluxcd/d2-fleet/\\.github/workflows/push-artifact\\.yaml@refs/tags/v\\d+\\.\\d+\\.\\d+$
                provider: cosign
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: OCIRepository
            metadata:
              name: kube-prometheus-stack
              namespace: monitoring
            spec:
              interval: 12h0m0s
              provider: generic
              ref:
                semver: '*'
              url: oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack
            """;

    private FleetSources() {
    }
}
