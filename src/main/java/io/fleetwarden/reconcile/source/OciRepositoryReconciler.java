package io.fleetwarden.reconcile.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetwarden.artifact.ArchiveLimits;
import io.fleetwarden.artifact.ArtifactPullException;
import io.fleetwarden.artifact.ArtifactPuller;
import io.fleetwarden.artifact.ArtifactStore;
import io.fleetwarden.artifact.ArtifactTree;
import io.fleetwarden.artifact.LayerSelector;
import io.fleetwarden.artifact.PulledArtifact;
import io.fleetwarden.artifact.SourceIgnore;
import io.fleetwarden.gate.GateDecision;
import io.fleetwarden.gate.OciSourceGate;
import io.fleetwarden.gate.TagSelection;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.reconcile.runtime.ObjectKey;
import io.fleetwarden.reconcile.runtime.Reconciler;
import io.fleetwarden.reconcile.status.ConditionsJson;
import io.fleetwarden.reconcile.status.EventRecorder;
import io.fleetwarden.reconcile.status.StatusWriter;
import io.fleetwarden.source.OciSource;
import io.fleetwarden.source.RegistryAccess;
import io.fleetwarden.status.Condition;
import io.fleetwarden.status.ConditionTypes;
import io.fleetwarden.status.Outcome;
import io.fleetwarden.status.Reasons;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reconciles a Flux {@code OCIRepository} as source-controller does, with one difference that matters: the
 * artifact is judged by the same gate as admission (the platform's policies, trusted roots and decision cache)
 * before it is pulled, and it is pulled by the digest that was judged, never by tag. A moved tag is a new digest,
 * judged again. On any failure the artifact held before stays in use and nothing downstream is pruned.
 *
 * <p>Steps, in order: read the object; parse its spec; stop if suspended; judge what needs no registry (coverage,
 * spec.verify against the policies); resolve the ref to a tag (semver);
 * judge (resolve the tag to a digest and verify it); pull that digest through the shared store, an extracted layer
 * keeping only the files source-controller keeps ({@link SourceIgnore}: the {@code .sourceignore} files,
 * {@code spec.ignore}, the default exclusions); hold it for consumers; write the status.
 */
public final class OciRepositoryReconciler implements Reconciler {

    static final String COMPONENT = "source-controller";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FAILURE_TYPES = List.of(ConditionTypes.RECONCILING, ConditionTypes.STALLED,
            ConditionTypes.FETCH_FAILED);

    private final Function<ObjectKey, GenericKubernetesResource> cache;
    private final OciSourceGate gate;
    private final RegistryAccess registries;
    private final ArtifactStore store;
    private final ArchiveLimits limits;
    private final VerifiedArtifacts held;
    private final StatusWriter status;
    private final EventRecorder events;
    private final Consumer<ObjectKey> newArtifact;
    private final Clock clock;

    /**
     * @param newArtifact told when a source holds a new revision, and when its first reconcile in this process ended
     *                    without one (its Kustomizations are queued: they leave their status alone until then)
     */
    public OciRepositoryReconciler(Function<ObjectKey, GenericKubernetesResource> cache, OciSourceGate gate,
            RegistryAccess registries, ArtifactStore store, ArchiveLimits limits, VerifiedArtifacts held,
            StatusWriter status, EventRecorder events, Consumer<ObjectKey> newArtifact, Clock clock) {
        this.cache = cache;
        this.gate = gate;
        this.registries = registries;
        this.store = store;
        this.limits = limits;
        this.held = held;
        this.status = status;
        this.events = events;
        this.newArtifact = newArtifact;
        this.clock = clock;
    }

    @Override
    public Outcome reconcile(ObjectKey key) {
        try {
            return reconcileOnce(key);
        } catch (RuntimeException e) {
            // An unexpected failure (the controller retries it) still ends the source's turn: its Kustomizations
            // must not keep a status from before a restart while their source fails.
            settle(key);
            throw e;
        }
    }

    private Outcome reconcileOnce(ObjectKey key) {
        GenericKubernetesResource object = cache.apply(key);
        if (object == null || object.getMetadata().getDeletionTimestamp() != null) {
            held.remove(key);
            return new Outcome.Done(null);
        }
        JsonNode json = JSON.valueToTree(object);
        OciRepositorySpec spec;
        var parsed = OciSource.from(json);
        if (parsed instanceof OciSource.Invalid invalid) {
            return fail(object, new Outcome.Stalled(Reasons.URL_INVALID, String.join("; ",
                    invalid.violations().stream().map(Object::toString).toList())), false);
        }
        try {
            spec = OciRepositorySpec.of(((OciSource.Valid) parsed).source(), json.path("spec"));
        } catch (IllegalArgumentException e) {
            return fail(object, new Outcome.Stalled(Reasons.URL_INVALID, e.getMessage()), false);
        }
        if (spec.suspend()) {
            settle(key);
            return new Outcome.Done(null);
        }
        if (spec.layerSelector().operation() == LayerSelector.Operation.EXTRACT) {
            try {
                SourceIgnore.checkSpec(spec.ignore());
            } catch (IllegalArgumentException e) {
                // Only a change of the spec can help: stalled, and no registry is touched for it.
                return fail(object, new Outcome.Stalled(SourceIgnore.REASON, e.getMessage()), false);
            }
        }
        Deadline deadline = Deadline.after(spec.timeout());
        OciSource source = spec.source();
        String url = "oci://" + source.repository().repositoryName();
        // Coverage and the spec check need no registry: a source no policy lets in is refused before any
        // registry (or credential) is touched.
        GateDecision offline = gate.decide(source, deadline, true);
        if (offline instanceof GateDecision.Denied denied) {
            return fail(object, new Outcome.Retry(Reasons.VERIFICATION_ERROR, denied.message(), spec.interval()), false);
        }
        try {
            RegistryClient registry = registries.forSource(source, deadline);
            String tag = TagSelection.tag(source, registry, deadline);
            if (tag == null && source.digest() == null) {
                return fail(object, new Outcome.Retry(Reasons.OCI_PULL_FAILED, "no tag of " + url + " matches semver '"
                        + source.semver() + "'", spec.interval()), true);
            }
            OciSource pinned = source.pinnedTo(tag);
            GateDecision decision = gate.decide(pinned, deadline, false);
            if (decision instanceof GateDecision.Denied denied) {
                return fail(object, new Outcome.Retry(Reasons.VERIFICATION_ERROR, denied.message(), spec.interval()),
                        false);
            }
            if (decision instanceof GateDecision.Unavailable unavailable) {
                return fail(object, new Outcome.Retry(Reasons.OCI_PULL_FAILED, unavailable.message(), spec.interval()),
                        true);
            }
            GateDecision.Allowed allowed = (GateDecision.Allowed) decision;
            boolean verified = allowed.digest() != null;
            // Allowed without a digest: no policy requires a signature (an Allow policy, or uncovered sources
            // allowed by configuration). Nothing was judged by digest, so resolve it now and pull that.
            Digest digest = verified ? allowed.digest() : registry.resolve(pinned.reference(tag), deadline).digest();
            String revision = tag == null ? digest.toString() : tag + "@" + digest;
            // The tree source-controller would store: an extracted layer filtered by its .sourceignore files and
            // spec.ignore, so the key holds spec.ignore too.
            PulledArtifact pulled = store.getOrLoad(new ArtifactStore.Key(digest, spec.layerSelector(), spec.ignore()),
                    () -> ArtifactPuller.pullSource(registry, source.repository().withDigest(digest),
                            spec.layerSelector(), spec.ignore(), limits, deadline));
            StoredArtifact now = new StoredArtifact(revision, digest, pulled, verified);
            Optional<StoredArtifact> before = held.put(key, now);
            // A new revision, or the same one filtered to other files (spec.ignore changed): source-controller
            // archives anew, its artifact digest changes and it announces a new artifact.
            boolean changed = before.isEmpty() || !before.get().revision().equals(revision)
                    || !sameFiles(before.get().artifact().tree(), pulled.tree());
            held.settle(key);
            writeReady(object, now, url, spec.ignore());
            if (changed) {
                events.record(object, COMPONENT, EventRecorder.NORMAL, "NewArtifact", "stored artifact with revision '"
                        + revision + "' from '" + url + "'" + (verified ? ", signature verified" : ""));
                newArtifact.accept(key);
            }
            return new Outcome.Done(spec.interval());
        } catch (RegistryException e) {
            String reason = e.kind() == RegistryException.Kind.UNAUTHORIZED ? Reasons.AUTHENTICATION_FAILED
                    : Reasons.OCI_PULL_FAILED;
            return fail(object, new Outcome.Retry(reason, "failed to pull " + url + ": " + e.getMessage(),
                    spec.interval()), true);
        } catch (ArtifactPullException e) {
            // The archive was refused (paths, links, limits, truncated) or no layer matched: the artifact held
            // before stays in use, and nothing downstream is pruned.
            return fail(object, new Outcome.Retry(e.conditionReason(), "artifact of " + url + " refused: "
                    + e.getMessage(), spec.interval()), true);
        } catch (IllegalArgumentException e) {
            return fail(object, new Outcome.Stalled(Reasons.URL_INVALID, e.getMessage()), false);
        }
    }

    /** Whether two trees of one revision hold the same files (their contents are then the same too). */
    private static boolean sameFiles(ArtifactTree a, ArtifactTree b) {
        return a == b || a.paths().equals(b.paths());
    }

    private void writeReady(GenericKubernetesResource object, StoredArtifact artifact, String url, String ignore) {
        long generation = generation(object);
        List<Condition> wanted = new ArrayList<>();
        wanted.add(Condition.of(ConditionTypes.READY, Condition.TRUE, Reasons.SUCCEEDED, "stored artifact for digest '"
                + artifact.revision() + "'", generation));
        wanted.add(Condition.of(ConditionTypes.ARTIFACT_IN_STORAGE, Condition.TRUE, Reasons.SUCCEEDED,
                "stored artifact for digest '" + artifact.revision() + "'", generation));
        List<String> remove = new ArrayList<>(FAILURE_TYPES);
        if (artifact.verified()) {
            wanted.add(Condition.of(ConditionTypes.SOURCE_VERIFIED, Condition.TRUE, Reasons.SUCCEEDED,
                    "verified signature of revision " + artifact.revision(), generation));
        } else {
            remove.add(ConditionTypes.SOURCE_VERIFIED);
        }
        ObjectNode s = JSON.createObjectNode();
        s.put("observedGeneration", generation);
        s.set("artifact", artifactJson(object, artifact, url, ignore));
        // source-controller's record of the ignore rules the stored artifact was built with (removed when absent).
        if (ignore == null) {
            s.putNull("observedIgnore");
        } else {
            s.put("observedIgnore", ignore);
        }
        s.set("conditions", conditions(object, wanted, remove));
        status.write(object, s);
    }

    private ObjectNode artifactJson(GenericKubernetesResource object, StoredArtifact artifact, String url,
            String ignore) {
        JsonNode status = JSON.valueToTree(object.getAdditionalProperties().get("status"));
        JsonNode previous = status.path("artifact");
        // Rebuilt when the revision or the ignore rules change (source-controller's ociContentConfigChanged).
        boolean rebuilt = !artifact.revision().equals(previous.path("revision").asText(null))
                || !java.util.Objects.equals(ignore, status.path("observedIgnore").asText(null));
        ObjectNode a = JSON.createObjectNode();
        PulledArtifact pulled = artifact.artifact();
        String hex = artifact.digest().hex();
        // Flux's storage layout, so tools that show the path look familiar; the bytes are held in memory.
        a.put("path", "ocirepository/" + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName()
                + "/" + hex + ".tar.gz");
        a.put("url", url + "@" + artifact.digest());
        a.put("revision", artifact.revision());
        a.put("digest", pulled.layerDigest().toString());
        // The bytes of the files kept (after the ignore filter). source-controller reports its tar.gz's size,
        // which depends on its gzip; what is comparable is that both shrink with what the filter drops.
        a.put("size", pulled.tree().totalBytes());
        // The time this revision was first stored (with these ignore rules), not of every reconcile: unchanged
        // status means no write.
        a.put("lastUpdateTime", !rebuilt && previous.hasNonNull("lastUpdateTime")
                ? previous.get("lastUpdateTime").asText() : clock.instant().toString());
        if (!pulled.annotations().isEmpty()) {
            a.set("metadata", JSON.valueToTree(pulled.annotations()));
        }
        return a;
    }

    private Outcome fail(GenericKubernetesResource object, Outcome outcome, boolean fetch) {
        long generation = generation(object);
        List<Condition> wanted = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        String reason;
        String message;
        if (outcome instanceof Outcome.Stalled s) {
            reason = s.reason();
            message = s.message();
            wanted.add(Condition.of(ConditionTypes.STALLED, Condition.TRUE, reason, message, generation));
            remove.add(ConditionTypes.RECONCILING);
        } else {
            Outcome.Retry r = (Outcome.Retry) outcome;
            reason = r.reason();
            message = r.message();
            wanted.add(Condition.of(ConditionTypes.RECONCILING, Condition.TRUE, Reasons.PROGRESSING_WITH_RETRY,
                    "retrying after failure: " + message, generation));
            remove.add(ConditionTypes.STALLED);
        }
        wanted.add(Condition.of(ConditionTypes.READY, Condition.FALSE, reason, message, generation));
        if (fetch) {
            wanted.add(Condition.of(ConditionTypes.FETCH_FAILED, Condition.TRUE, reason, message, generation));
        } else {
            remove.add(ConditionTypes.FETCH_FAILED);
        }
        if (Reasons.VERIFICATION_ERROR.equals(reason)) {
            wanted.add(Condition.of(ConditionTypes.SOURCE_VERIFIED, Condition.FALSE, reason, message, generation));
        }
        ObjectNode s = JSON.createObjectNode();
        s.put("observedGeneration", generation);
        s.set("conditions", conditions(object, wanted, remove));
        Condition before = ConditionsJson.find(ConditionsJson.read(JSON.valueToTree(
                object.getAdditionalProperties().get("status"))), ConditionTypes.READY);
        if (status.write(object, s) && (before == null || !before.reason().equals(reason)
                || !before.message().equals(message))) {
            events.record(object, COMPONENT, EventRecorder.WARNING, reason, message);
        }
        settle(ObjectKey.of(object));
        return outcome;
    }

    /** A reconcile ended without a new artifact: the first time, the Kustomizations waiting for it look again. */
    private void settle(ObjectKey key) {
        if (held.settle(key)) {
            newArtifact.accept(key);
        }
    }

    private com.fasterxml.jackson.databind.node.ArrayNode conditions(GenericKubernetesResource object,
            List<Condition> wanted, List<String> remove) {
        List<Condition> previous = ConditionsJson.read(JSON.valueToTree(object.getAdditionalProperties().get("status")));
        return ConditionsJson.write(Condition.merge(previous, wanted, remove, clock.instant().toString()));
    }

    private static long generation(GenericKubernetesResource o) {
        return o.getMetadata().getGeneration() == null ? 0 : o.getMetadata().getGeneration();
    }
}
