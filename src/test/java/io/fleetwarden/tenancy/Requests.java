package io.fleetwarden.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.testing.D2Fixtures;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds admission requests against a small D2-shaped cluster, and states expected outcomes. */
final class Requests {

    static final String ROLE = "toolkit.fluxcd.io/role";
    static final String TENANT_SA = "system:serviceaccount:frontend:flux";
    static final String FLUX_OPERATOR = "system:serviceaccount:flux-system:flux-operator";
    static final String KUSTOMIZE_CONTROLLER = "system:serviceaccount:flux-system:kustomize-controller";

    /** frontend and backend are tenants; flux-system, cert-manager, kube-system are not; others are unknown. */
    static final NamespaceLabels CLUSTER = ns -> switch (ns) {
        case "frontend", "backend" -> Optional.of(Map.of(ROLE, "tenant", "kubernetes.io/metadata.name", ns));
        case "flux-system", "cert-manager", "monitoring", "kube-system" ->
                Optional.of(Map.of("kubernetes.io/metadata.name", ns));
        default -> Optional.empty();
    };

    private Requests() {
    }

    static TenancyRequest create(String user, String yaml) {
        JsonNode o = D2Fixtures.object(yaml);
        return request(Operation.CREATE, user, o, null);
    }

    static TenancyRequest update(String user, String oldYaml, String newYaml) {
        return request(Operation.UPDATE, user, D2Fixtures.object(newYaml), D2Fixtures.object(oldYaml));
    }

    static TenancyRequest request(Operation op, String user, JsonNode object, JsonNode oldObject) {
        JsonNode o = object != null ? object : oldObject;
        Gvk gvk = Gvk.of(o.path("apiVersion").asText(), o.path("kind").asText());
        return new TenancyRequest(op, gvk, o.path("metadata").path("namespace").asText(""),
                o.path("metadata").path("name").asText(), object, oldObject, user, Set.of("system:authenticated"),
                CLUSTER);
    }

    /**
     * One table row: a name, a request, and the expected outcome: {@code rule == null} means allowed (without
     * patch), otherwise denied with a violation of that rule at that field.
     */
    record Case(String name, TenancyRequest request, String rule, String field) {

        static Case allowed(String name, TenancyRequest r) {
            return new Case(name, r, null, null);
        }

        static Case denied(String name, TenancyRequest r, String rule, String field) {
            return new Case(name, r, rule, field);
        }

        void assertOutcome(TenancyDecision d) {
            if (rule == null) {
                assertThat(d).as(name).isInstanceOfSatisfying(TenancyDecision.Allowed.class,
                        a -> assertThat(a.patch()).isEmpty());
            } else {
                assertThat(d).as(name).isInstanceOfSatisfying(TenancyDecision.Denied.class, den -> assertThat(
                        den.violations()).extracting(TenancyViolation::rule, TenancyViolation::field)
                        .contains(org.assertj.core.groups.Tuple.tuple(rule, field)));
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
