package io.fleetwarden.admission;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of the admission webhook edge ({@code fleetwarden.admission.*}). */
@ConfigMapping(prefix = "fleetwarden.admission")
public interface AdmissionConfig {

    /**
     * Largest AdmissionReview body read, in bytes. The API server caps an object at about 1.5 MiB and a
     * review carries the object and the old object, so 3 MiB fits every real review. Keep
     * {@code quarkus.http.limits.max-body-size} above this value so that bodies between the two limits get
     * fleetwarden's 413 with a message (above it, Vert.x answers 413 without one).
     */
    @WithDefault("3145728")
    int maxBodyBytes();

    /** Longest status message returned to the API server, in characters; longer ones are cut and marked. */
    @WithDefault("4096")
    int maxMessageChars();

    /** Most warnings returned per review; the API server drops warnings beyond 4 KiB in total anyway. */
    @WithDefault("16")
    int maxWarnings();
}
