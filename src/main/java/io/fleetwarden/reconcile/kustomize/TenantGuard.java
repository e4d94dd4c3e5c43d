package io.fleetwarden.reconcile.kustomize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.apply.Impersonation;
import io.fleetwarden.apply.ResourceMapping;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.tenancy.Gvk;
import io.fleetwarden.tenancy.NamespaceClass;
import io.fleetwarden.tenancy.NamespaceLabels;
import io.fleetwarden.tenancy.TenancyRules;
import io.fleetwarden.tenancy.TenancyViolation;
import io.fleetwarden.tenancy.TenantManifestCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The multi-tenancy lockdown at reconcile time, with the same compiled rules as admission: a tenant's
 * Kustomization reads only its own namespace's sources, runs as a service account (its own or the tenant
 * default, never a reserved one), and every object it would create is checked before anything is applied. The
 * apply then impersonates that service account, so the cluster's RBAC stays the last line. The same guard holds
 * a tenant's ResourceSet (reconcile.resourceset): who it runs as, and what it may create.
 */
public final class TenantGuard {

    public sealed interface Decision {
    }

    public record Allowed(Impersonation as) implements Decision {
    }

    public record Refused(String message) implements Decision {
    }

    private final Supplier<PolicySnapshot> policies;
    private final NamespaceLabels namespaces;
    private final String platformDefault;

    /**
     * @param platformDefault the service account a platform Kustomization naming none runs as (Flux's
     *        {@code --default-service-account}), or null: it then runs as fleetwarden itself
     */
    public TenantGuard(Supplier<PolicySnapshot> policies, NamespaceLabels namespaces, String platformDefault) {
        this.policies = policies;
        this.namespaces = namespaces;
        this.platformDefault = platformDefault == null || platformDefault.isBlank() ? null : platformDefault;
    }

    /** kustomize-controller's {@code --no-cross-namespace-refs}, for tenant namespaces. */
    Optional<String> sourceRefDenied(String namespace, KustomizationSpec spec) {
        if (spec.sourceNamespace().equals(namespace) || !(classify(namespace) instanceof NamespaceClass.TenantNamespace)) {
            return Optional.empty();
        }
        return Optional.of("can't access '" + spec.sourceKind() + "/" + spec.sourceNamespace() + "/" + spec.sourceName()
                + "', cross-namespace references have been blocked");
    }

    Impersonation identity(String namespace, KustomizationSpec spec) {
        return identity(namespace, spec.serviceAccountName());
    }

    /**
     * Who applies an object of {@code namespace} naming {@code serviceAccountName} (or null): that service account,
     * the tenant default in a tenant namespace, else the platform default, else fleetwarden.
     */
    public Impersonation identity(String namespace, String serviceAccountName) {
        if (serviceAccountName != null && !serviceAccountName.isEmpty()) {
            return Impersonation.serviceAccount(namespace, serviceAccountName);
        }
        if (classify(namespace) instanceof NamespaceClass.TenantNamespace t) {
            String dflt = t.tenant().defaultServiceAccount();
            String sa = dflt != null ? dflt : policies.get().tenancy().defaultServiceAccount();
            if (sa != null) {
                return Impersonation.serviceAccount(namespace, sa);
            }
            return Impersonation.NONE;
        }
        return platformDefault == null ? Impersonation.NONE : Impersonation.serviceAccount(namespace, platformDefault);
    }

    Decision check(String namespace, KustomizationSpec spec, List<ObjectNode> objects, ResourceMapping mapping) {
        return check(namespace, spec.serviceAccountName(), "Kustomization", objects, mapping);
    }

    /**
     * Judges every object a {@code kind} (Kustomization, ResourceSet) of {@code namespace} would apply, before any
     * is: in a platform namespace all are allowed; in a tenant namespace the identity must be a service account
     * that is not reserved, and every object must pass the tenancy rules. All problems are reported at once.
     */
    public Decision check(String namespace, String serviceAccountName, String kind, List<ObjectNode> objects,
            ResourceMapping mapping) {
        TenancyRules rules = policies.get().tenancy();
        NamespaceClass c = classify(namespace);
        if (c instanceof NamespaceClass.Platform) {
            return new Allowed(identity(namespace, serviceAccountName));
        }
        Impersonation as = identity(namespace, serviceAccountName);
        List<String> problems = new ArrayList<>();
        if (as instanceof Impersonation.ServiceAccount sa && rules.reservedServiceAccounts().contains(sa.name())) {
            problems.add("spec.serviceAccountName: '" + sa.name() + "' is reserved for the platform");
        }
        if (as instanceof Impersonation.None) {
            problems.add("spec.serviceAccountName: a tenant " + kind + " must run as a service account, and the "
                    + "TenancyPolicy names no default");
        }
        List<JsonNode> asJson = new ArrayList<>(objects);
        try {
            for (TenancyViolation v : TenantManifestCheck.check(rules, namespace, namespaces, asJson,
                    gvk -> mapping.lookup(gvk.apiVersion(), gvk.kind()).namespaced())) {
                problems.add(v.toString());
            }
        } catch (ResourceMapping.UnknownKind e) {
            // Scope decides what a tenant may create; a kind the API server does not serve cannot be judged.
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            return new Refused("tenancy check refused " + problems.size() + " problem(s), nothing applied: "
                    + String.join("; ", problems));
        }
        return new Allowed(as);
    }

    private NamespaceClass classify(String namespace) {
        return policies.get().tenancy().classify(namespace, namespaces);
    }

    static Gvk gvk(JsonNode o) {
        return Gvk.of(o.path("apiVersion").asText(""), o.path("kind").asText(""));
    }
}
