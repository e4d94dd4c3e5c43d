package io.fleetwarden.admission;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.AmbiguousResolutionException;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.inject.Inject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Every {@link AdmissionHandler} bean, by the {@link WebhookPath} it declares. Built once, eagerly at
 * startup, so a wiring mistake (no path, malformed path, two handlers for one path) stops the boot instead
 * of surfacing as a denied request in production.
 */
@Startup
@ApplicationScoped
public class AdmissionHandlers {

    private static final Logger LOG = Logger.getLogger(AdmissionHandlers.class);

    private final Map<String, AdmissionHandler> byPath;

    @Inject
    public AdmissionHandlers(@Any Instance<AdmissionHandler> handlers) {
        this(collect(handlers));
        LOG.infof("admission handlers paths=%s", byPath.keySet());
        WebhookPaths.PRODUCTION.stream().filter(path -> !byPath.containsKey(path))
                .forEach(path -> LOG.warnf("no admission handler for %s: its reviews are denied (NoHandler)", path));
    }

    /** For tests of the dispatching logic without CDI. */
    public AdmissionHandlers(Map<String, AdmissionHandler> byPath) {
        byPath.keySet().forEach(path -> requireWellFormed(path, "a handler"));
        this.byPath = Collections.unmodifiableMap(new LinkedHashMap<>(byPath));
    }

    public Optional<AdmissionHandler> forPath(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    public Set<String> paths() {
        return byPath.keySet();
    }

    private static Map<String, AdmissionHandler> collect(Instance<AdmissionHandler> handlers) {
        TreeSet<String> paths = new TreeSet<>();
        for (Instance.Handle<AdmissionHandler> handle : handlers.handles()) {
            Bean<AdmissionHandler> bean = handle.getBean();
            String path = bean.getQualifiers().stream().filter(WebhookPath.class::isInstance)
                    .map(q -> ((WebhookPath) q).value()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("admission handler " + bean.getBeanClass().getName()
                            + " has no @WebhookPath; annotate it with the path it decides"));
            requireWellFormed(path, bean.getBeanClass().getName());
            paths.add(path);
        }
        Map<String, AdmissionHandler> byPath = new LinkedHashMap<>();
        for (String path : paths) {
            try {
                // select() applies CDI's alternative resolution: a test @Alternative replaces the real handler.
                byPath.put(path, handlers.select(WebhookPath.Literal.of(path)).get());
            } catch (AmbiguousResolutionException e) {
                throw new IllegalStateException("more than one admission handler declares @WebhookPath(\"" + path
                        + "\")", e);
            }
        }
        return byPath;
    }

    private static void requireWellFormed(String path, String owner) {
        if (!WebhookPaths.isWellFormed(path)) {
            throw new IllegalStateException(owner + " declares webhook path '" + path
                    + "'; expected /validate/<name> or /mutate/<name> with a lowercase name");
        }
    }
}
