package io.fleetwarden.admission;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.inject.Qualifier;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds an {@link AdmissionHandler} bean to the webhook path it decides, for example
 * {@code @ApplicationScoped @WebhookPath(WebhookPaths.VALIDATE_OCIREPOSITORY)}. The path is the whole
 * registration: {@link AdmissionHandlers} finds every handler bean at startup and fails the boot when a
 * handler has no path, an invalid path, or shares its path with another handler (unless one of them is a
 * CDI alternative, which is how tests replace a production handler).
 */
@Qualifier
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD, ElementType.FIELD, ElementType.PARAMETER })
public @interface WebhookPath {

    /** The HTTP path, {@code /validate/<name>} or {@code /mutate/<name>}; see {@link WebhookPaths}. */
    String value();

    final class Literal extends AnnotationLiteral<WebhookPath> implements WebhookPath {

        private final String value;

        private Literal(String value) {
            this.value = value;
        }

        public static Literal of(String path) {
            return new Literal(path);
        }

        @Override
        public String value() {
            return value;
        }
    }
}
