package io.fleetwarden.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events for admission denials, where people look for them ({@code kubectl describe}, {@code kubectl get
 * events}, Flux's and Kyverno's users' habits): a Warning with the denial's reason and message, on the denied object
 * when it exists (an UPDATE; on a CREATE it does not exist yet) and on each policy that denied it, as Kyverno records
 * policy violations. Cluster-scoped objects' Events go to {@code default}, as client-go puts them.
 *
 * <p>Never in the way of admission: {@link #denied} only offers the denial to a bounded queue and returns; a full
 * queue drops it (counted). One worker thread writes. The same Event (same object, reason and message) is written
 * once and then aggregated as client-go's EventRecorder does: repeats raise its {@code count} and
 * {@code lastTimestamp}, written at most once per flush period per Event, so Flux retrying a refused apply at every
 * interval costs one small patch, never a new object. New Events are rate-limited (a token bucket); the ones over
 * the limit are dropped and counted. The messages are the admission response's, which never carry a Secret's data
 * (the webhooks judge no Secrets); credentials in a URL ({@code https://user:token@host}) are masked anyway.
 * Metric: {@code fleetwarden_admission_events_total{result}} (created, updated, queue-full, rate-limited, failed).
 */
public final class DenialEvents implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DenialEvents.class);
    public static final String COMPONENT = "fleetwarden";
    static final int MAX_MESSAGE = 1024;
    /** Where client-go records Events of cluster-scoped objects. */
    static final String CLUSTER_EVENTS_NAMESPACE = "default";
    private static final Pattern URL_CREDENTIALS = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/\\s\"'@]+@");

    /** An object an Event is about. {@code namespace} is empty for cluster-scoped objects; {@code uid} may be empty. */
    public record ObjectRef(String apiVersion, String kind, String namespace, String name, String uid) {
    }

    /**
     * One denial.
     *
     * @param object   the denied object, or null when it does not exist (a CREATE)
     * @param policies the policies that denied it, each resolved to its object (with its uid)
     * @param subject  how policy Events name the denied object, e.g. {@code OCIRepository fleet/app (CREATE)}
     */
    public record Denial(ObjectRef object, List<ObjectRef> policies, String subject, String reason, String message) {
        public Denial {
            policies = policies == null ? List.of() : List.copyOf(policies);
        }
    }

    /**
     * @param queue      denials waiting for the writer; more are dropped
     * @param remembered Events remembered for aggregation (least recently seen forgotten first)
     * @param flush      how often repeats are written (count, lastTimestamp)
     * @param burst      new Events written at once before the rate limit applies
     * @param refill     one more new Event may be written per this long
     */
    public record Settings(int queue, int remembered, Duration flush, int burst, Duration refill) {
        public static Settings defaults() {
            return new Settings(256, 1024, Duration.ofSeconds(30), 25, Duration.ofSeconds(2));
        }
    }

    private record Key(String namespace, ObjectRef involved, String reason, String message) {
    }

    private static final class Written {
        final Event event;
        int count;
        Instant last;
        boolean dirty;

        Written(Event event, Instant last) {
            this.event = event;
            this.count = 1;
            this.last = last;
        }
    }

    private final KubernetesClient client;
    private final Clock clock;
    private final Settings settings;
    private final String instance;
    private final BlockingQueue<Denial> queue;
    private final Map<Key, Written> written;
    private final Counter created;
    private final Counter updated;
    private final Counter queueFull;
    private final Counter rateLimited;
    private final Counter failed;
    private final Thread worker;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong handled = new AtomicLong();
    private volatile boolean running = true;
    private double tokens;
    private Instant refilled;
    private boolean forbiddenLogged;

    /** @param instance the replica writing (the pod's name), shown as the Event's reportingInstance; may be empty */
    public DenialEvents(KubernetesClient client, Clock clock, Settings settings, String instance, MeterRegistry metrics) {
        this.client = client;
        this.clock = clock;
        this.settings = settings;
        this.instance = instance == null ? "" : instance;
        this.queue = new ArrayBlockingQueue<>(settings.queue());
        this.written = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Written> eldest) {
                return size() > settings.remembered();
            }
        };
        this.created = counter(metrics, "created");
        this.updated = counter(metrics, "updated");
        this.queueFull = counter(metrics, "queue-full");
        this.rateLimited = counter(metrics, "rate-limited");
        this.failed = counter(metrics, "failed");
        this.tokens = settings.burst();
        this.refilled = clock.instant();
        this.worker = new Thread(this::run, "fleetwarden-denial-events");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    private static Counter counter(MeterRegistry metrics, String result) {
        return Counter.builder("fleetwarden.admission.events").description("Events about admission denials, by what "
                + "became of them").tag("result", result).register(metrics);
    }

    /** Records a denial for the writer; returns at once, whatever happens. */
    public void denied(Denial denial) {
        if (!running) {
            return;
        }
        if (queue.offer(denial)) {
            accepted.incrementAndGet();
        } else {
            queueFull.increment();
        }
    }

    /** Waits until every denial offered so far has been handled and every repeat written (for tests and shutdown). */
    public void flush(Duration timeout) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        long target = accepted.get();
        while (handled.get() < target && Instant.now().isBefore(end)) {
            Thread.sleep(10);
        }
        synchronized (this) {
            flushRepeats();
        }
    }

    private void run() {
        Instant nextFlush = clock.instant().plus(settings.flush());
        while (running) {
            try {
                long wait = Math.max(1, Duration.between(clock.instant(), nextFlush).toMillis());
                Denial d = queue.poll(Math.min(wait, 1000), TimeUnit.MILLISECONDS);
                synchronized (this) {
                    if (d != null) {
                        try {
                            record(d);
                        } finally {
                            handled.incrementAndGet();
                        }
                    }
                    if (!clock.instant().isBefore(nextFlush)) {
                        flushRepeats();
                        nextFlush = clock.instant().plus(settings.flush());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Never let one bad write stop the writer.
                failed.increment();
                LOG.debugf(e, "denial event not written");
            }
        }
    }

    private void record(Denial d) {
        String message = text(d.message());
        if (d.object() != null) {
            record(d.object(), d.reason(), message);
        }
        for (ObjectRef policy : d.policies()) {
            record(policy, d.reason(), text(d.subject() + " denied: " + d.message()));
        }
    }

    private void record(ObjectRef involved, String reason, String message) {
        String namespace = involved.namespace() == null || involved.namespace().isEmpty() ? CLUSTER_EVENTS_NAMESPACE
                : involved.namespace();
        Key key = new Key(namespace, involved, reason, message);
        Instant now = clock.instant();
        Written seen = written.get(key);
        if (seen != null) {
            seen.count++;
            seen.last = now;
            seen.dirty = true;
            return;
        }
        if (!takeToken(now)) {
            rateLimited.increment();
            return;
        }
        Event event = create(namespace, involved, reason, message, 1, now, now);
        if (event != null) {
            written.put(key, new Written(event, now));
        }
    }

    private Event create(String namespace, ObjectRef involved, String reason, String message, int count, Instant first,
            Instant last) {
        Event event = new EventBuilder().withNewMetadata().withNamespace(namespace)
                .withName(involved.name() + "." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()))
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(involved.apiVersion())
                        .withKind(involved.kind()).withNamespace(emptyToNull(involved.namespace()))
                        .withName(involved.name()).withUid(emptyToNull(involved.uid())).build())
                .withType("Warning").withReason(reason).withMessage(message).withCount(count)
                .withFirstTimestamp(first.toString()).withLastTimestamp(last.toString())
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT).withReportingInstance(instance).build();
        try {
            Event stored = client.v1().events().inNamespace(namespace).resource(event).create();
            created.increment();
            return stored;
        } catch (KubernetesClientException e) {
            failed(e, "created", involved);
            return null;
        }
    }

    /** Writes the count and last time of every Event seen again since the last flush. */
    private void flushRepeats() {
        List<Map.Entry<Key, Written>> dirty = new ArrayList<>();
        written.entrySet().stream().filter(e -> e.getValue().dirty).forEach(dirty::add);
        for (Map.Entry<Key, Written> e : dirty) {
            Written w = e.getValue();
            w.dirty = false;
            String patch = "{\"count\":" + w.count + ",\"lastTimestamp\":\"" + w.last + "\"}";
            try {
                client.v1().events().inNamespace(w.event.getMetadata().getNamespace()).resource(w.event)
                        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
                updated.increment();
            } catch (KubernetesClientException ex) {
                if (ex.getCode() == 404) {
                    // Expired (the API server's --event-ttl, an hour by default): the next repeat starts a new one.
                    written.remove(e.getKey());
                } else {
                    failed(ex, "updated", e.getKey().involved());
                }
            }
        }
    }

    private void failed(KubernetesClientException e, String what, ObjectRef involved) {
        failed.increment();
        if (e.getCode() == 403 && !forbiddenLogged) {
            forbiddenLogged = true;
            LOG.warnf("denial events are not written: forbidden (the ClusterRole fleetwarden must allow create and patch "
                    + "on events): %s", e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage());
            return;
        }
        LOG.debugf("event on %s %s not %s (%d): %s", involved.kind(), involved.name(), what, e.getCode(), e.getMessage());
    }

    private boolean takeToken(Instant now) {
        long refillNanos = Math.max(1, settings.refill().toNanos());
        double gained = (double) Duration.between(refilled, now).toNanos() / refillNanos;
        tokens = Math.min(settings.burst(), tokens + Math.max(0, gained));
        refilled = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** Credentials in URLs masked, cut to {@value #MAX_MESSAGE} characters. */
    static String text(String message) {
        String masked = URL_CREDENTIALS.matcher(Objects.requireNonNullElse(message, "")).replaceAll("$1***@");
        return masked.length() > MAX_MESSAGE ? masked.substring(0, MAX_MESSAGE - 3) + "..." : masked;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
        try {
            worker.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
