package io.fleetwarden.admission;

import io.quarkus.tls.CertificateUpdatedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import org.jboss.logging.Logger;

/**
 * Logs the serving certificate when a reload actually changed it. The TLS registry re-reads the files every
 * {@code reload-period} and fires {@link CertificateUpdatedEvent} each time, changed or not (Quarkus's own
 * listener logs every one of them, so application.properties quiets it).
 */
@ApplicationScoped
public class ServingCertificateLog {

    private static final Logger LOG = Logger.getLogger(ServingCertificateLog.class);

    private volatile String lastSerial = "";

    void onReload(@Observes CertificateUpdatedEvent event) {
        X509Certificate certificate = firstCertificate(event.tlsConfiguration().getKeyStore());
        if (certificate == null) {
            return;
        }
        String serial = certificate.getSerialNumber().toString(16);
        if (!serial.equals(lastSerial)) {
            lastSerial = serial;
            LOG.infof("serving certificate loaded tls=%s subject=\"%s\" serial=%s notAfter=%s", event.name(),
                    certificate.getSubjectX500Principal().getName(), serial, certificate.getNotAfter().toInstant());
        }
    }

    private static X509Certificate firstCertificate(KeyStore keyStore) {
        if (keyStore == null) {
            return null;
        }
        try {
            for (String alias : Collections.list(keyStore.aliases())) {
                Certificate certificate = keyStore.getCertificate(alias);
                if (certificate instanceof X509Certificate x509) {
                    return x509;
                }
            }
        } catch (KeyStoreException e) {
            LOG.debugf("cannot read the reloaded key store: %s", e.getMessage());
        }
        return null;
    }
}
