package io.fleetwarden.reconcile.kustomize;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.apply.ApplyResult;
import io.fleetwarden.apply.ObjectRef;
import io.fleetwarden.health.Health;
import io.fleetwarden.health.HealthCheckExprs;
import io.fleetwarden.health.FluxHealth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Judges, once and without waiting, the health of what a Kustomization asks to be checked: every applied object
 * with {@code wait: true}, else its {@code healthChecks}. The reconciler does not hold a worker while objects
 * become healthy: an in-progress verdict requeues the Kustomization shortly, and the next pass judges the
 * objects it reads anyway (so a new revision simply replaces the wait for the old one). A ResourceSet's
 * {@code wait} (reconcile.resourceset) is judged by {@link #judgeAll}, the same rules over what it applied.
 */
public final class HealthJudge {

    /** The verdict over all checked objects. */
    public sealed interface Verdict {
    }

    public record Healthy(int checked) implements Verdict {
    }

    public record InProgress(String message) implements Verdict {
    }

    public record Failed(String message) implements Verdict {
    }

    private HealthJudge() {
    }

    /** A checked object that was not healthy at a look: its name as the messages write it, and how to read it. */
    record Pending(String name, KustomizationSpec.HealthCheck check) {
    }

    /** A verdict, and the checked objects that were not healthy (those the next look needs to read again). */
    record Look(Verdict verdict, List<Pending> pending) {
    }

    /**
     * @param live the live object of a health-checked object that was not in this apply (a GET); null if absent
     */
    static Verdict judge(KustomizationSpec spec, ApplyResult applied, HealthCheckExprs exprs,
            Function<KustomizationSpec.HealthCheck, JsonNode> live) {
        return look(spec, applied, exprs, live).verdict();
    }

    /** {@link #judge}, also saying which objects were not healthy. */
    static Look look(KustomizationSpec spec, ApplyResult applied, HealthCheckExprs exprs,
            Function<KustomizationSpec.HealthCheck, JsonNode> live) {
        List<String> inProgress = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<Pending> pending = new ArrayList<>();
        int checked = 0;
        if (spec.waitAll()) {
            for (ApplyResult.Applied a : applied.applied()) {
                if (a.action() == ApplyResult.Action.SKIPPED || a.live() == null) {
                    continue;
                }
                checked++;
                String name = a.ref().toString();
                if (collect(name, health(a.live(), exprs), inProgress, failed)) {
                    pending.add(new Pending(name, new KustomizationSpec.HealthCheck(a.ref().apiVersion(),
                            a.ref().kind(), a.ref().namespace(), a.ref().name())));
                }
            }
            return new Look(verdict(checked, inProgress, failed), pending);
        }
        for (KustomizationSpec.HealthCheck h : spec.healthChecks()) {
            checked++;
            String name = h.kind() + "/" + (h.namespace() == null ? "" : h.namespace() + "/") + h.name();
            Optional<ApplyResult.Applied> mine = applied.applied().stream().filter(a -> matches(a.ref(), h))
                    .findFirst();
            JsonNode object = mine.map(a -> (JsonNode) a.live()).orElseGet(() -> live.apply(h));
            if (object == null) {
                inProgress.add(name + ": not found");
                pending.add(new Pending(name, h));
                continue;
            }
            if (collect(name, health(object, exprs), inProgress, failed)) {
                pending.add(new Pending(name, h));
            }
        }
        return new Look(verdict(checked, inProgress, failed), pending);
    }

    /**
     * A later look at a wait in progress: only the objects not healthy at the previous look are read again
     * ({@code live}, a GET each) and judged; those already healthy count as healthy. As kustomize-controller's
     * wait, which polls after the apply and does not apply again until it ends.
     */
    static Look poll(List<Pending> previous, HealthCheckExprs exprs,
            Function<KustomizationSpec.HealthCheck, JsonNode> live) {
        List<String> inProgress = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<Pending> pending = new ArrayList<>();
        for (Pending p : previous) {
            JsonNode object = live.apply(p.check());
            if (object == null) {
                inProgress.add(p.name() + ": not found");
                pending.add(p);
            } else if (collect(p.name(), health(object, exprs), inProgress, failed)) {
                pending.add(p);
            }
        }
        return new Look(verdict(previous.size(), inProgress, failed), pending);
    }

    /**
     * Every applied object (not skipped) judged on the live object the apply returned: {@code wait: true} of a
     * Kustomization, {@code wait} of a ResourceSet and the health of a ResourceSet's step before the next one.
     */
    public static Verdict judgeAll(List<ApplyResult.Applied> applied, HealthCheckExprs exprs) {
        List<String> inProgress = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        int checked = 0;
        for (ApplyResult.Applied a : applied) {
            if (a.action() == ApplyResult.Action.SKIPPED || a.live() == null) {
                continue;
            }
            checked++;
            collect(a.ref().toString(), health(a.live(), exprs), inProgress, failed);
        }
        return verdict(checked, inProgress, failed);
    }

    private static Verdict verdict(int checked, List<String> inProgress, List<String> failed) {
        if (!failed.isEmpty()) {
            return new Failed("health check failed: " + String.join("; ", failed));
        }
        if (!inProgress.isEmpty()) {
            return new InProgress("health check in progress: " + String.join("; ", first(inProgress, 5))
                    + (inProgress.size() > 5 ? " (and " + (inProgress.size() - 5) + " more)" : ""));
        }
        return new Healthy(checked);
    }

    /** Flux's order: its Job rule, then the Kustomization's healthCheckExprs for their kinds, then kstatus. */
    private static Health health(JsonNode object, HealthCheckExprs exprs) {
        return FluxHealth.of(object, exprs);
    }

    /** @return whether the object is not healthy (in progress or failed) */
    private static boolean collect(String name, Health h, List<String> inProgress, List<String> failed) {
        switch (h.status()) {
            case CURRENT -> {
                return false;
            }
            case FAILED -> failed.add(name + ": " + h.message());
            default -> inProgress.add(name + ": " + h.message());
        }
        return true;
    }

    private static boolean matches(ObjectRef ref, KustomizationSpec.HealthCheck h) {
        return ref.kind().equals(h.kind()) && ref.name().equals(h.name())
                && (ref.namespace() == null ? "" : ref.namespace()).equals(h.namespace() == null ? "" : h.namespace())
                && ref.apiVersion().equals(h.apiVersion());
    }

    private static List<String> first(List<String> l, int n) {
        return l.size() <= n ? l : l.subList(0, n);
    }
}
