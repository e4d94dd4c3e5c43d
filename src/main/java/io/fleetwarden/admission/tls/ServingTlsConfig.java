package io.fleetwarden.admission.tls;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The webhook's serving certificate files ({@code fleetwarden.tls.*}), as mounted from a Secret. */
@ConfigMapping(prefix = "fleetwarden.tls")
public interface ServingTlsConfig {

    @WithDefault("/etc/fleetwarden/tls/tls.crt")
    String certFile();

    @WithDefault("/etc/fleetwarden/tls/tls.key")
    String keyFile();

    /** How often the files are compared with what is served; a changed, valid pair is swapped in. */
    @WithDefault("10s")
    Duration reloadPeriod();
}
