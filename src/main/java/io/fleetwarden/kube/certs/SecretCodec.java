package io.fleetwarden.kube.certs;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fleetwarden.kube.certs.Pem.InvalidPemException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The two Secrets' layouts. The serving Secret is what cert-manager writes too ({@code kubernetes.io/tls}
 * with {@code tls.crt}, {@code tls.key}, {@code ca.crt}), so the Deployment mounts the same thing in both
 * modes. The CA Secret holds the keys that may sign and is never mounted.
 */
final class SecretCodec {

    static final String TLS_CRT = "tls.crt";
    static final String TLS_KEY = "tls.key";
    static final String CA_CRT = "ca.crt";
    static final String CA_KEY = "ca.key";
    static final String NEXT_CRT = "next-ca.crt";
    static final String NEXT_KEY = "next-ca.key";
    static final String PREVIOUS_CRT = "previous-ca.crt";
    static final String NEXT_SINCE = "fleetwarden.io/next-ca-since";
    static final String PREVIOUS_UNTIL = "fleetwarden.io/previous-ca-until";
    static final Map<String, String> LABELS = Map.of("app.kubernetes.io/name", "fleetwarden",
            "app.kubernetes.io/managed-by", "fleetwarden");

    private SecretCodec() {
    }

    /** The CA state, or null (and why, to {@code problem}) when the signing CA is unusable. */
    static CaState readCa(Secret secret, Consumer<String> problem) {
        if (secret == null) {
            return null;
        }
        String where = "Secret " + secret.getMetadata().getName();
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        Map<String, String> notes = secret.getMetadata().getAnnotations() == null ? Map.of()
                : secret.getMetadata().getAnnotations();
        try {
            CertificateAuthority current = authority(data, CA_CRT, CA_KEY, where);
            CaState state = CaState.of(current);
            if (data.containsKey(NEXT_CRT)) {
                try {
                    state = state.withNext(authority(data, NEXT_CRT, NEXT_KEY, where), instant(notes, NEXT_SINCE, where));
                } catch (InvalidPemException e) {
                    problem.accept(e.getMessage() + "; the incoming CA is dropped");
                }
            }
            if (data.containsKey(PREVIOUS_CRT)) {
                try {
                    state = new CaState(state.current(), state.next(), state.nextSince(),
                            Pem.parseCertificates(decode(data, PREVIOUS_CRT, where), where + " " + PREVIOUS_CRT).get(0),
                            instant(notes, PREVIOUS_UNTIL, where));
                } catch (InvalidPemException e) {
                    problem.accept(e.getMessage() + "; the outgoing CA is dropped");
                }
            }
            return state;
        } catch (InvalidPemException e) {
            problem.accept(e.getMessage());
            return null;
        }
    }

    /** The serving pair, or null (and why) when it cannot be served. */
    static CertificateAuthority.Issued readServing(Secret secret, Consumer<String> problem) {
        if (secret == null) {
            return null;
        }
        String where = "Secret " + secret.getMetadata().getName();
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        try {
            X509Certificate certificate = Pem.parseCertificates(decode(data, TLS_CRT, where), where + " " + TLS_CRT).get(0);
            PrivateKey key = Pem.parseEcPrivateKey(decode(data, TLS_KEY, where), where + " " + TLS_KEY);
            return new CertificateAuthority.Issued(certificate, key);
        } catch (InvalidPemException e) {
            problem.accept(e.getMessage());
            return null;
        }
    }

    /** The serving Secret's {@code ca.crt}, or null. */
    static X509Certificate readServingIssuer(Secret secret) {
        try {
            Map<String, String> data = secret == null || secret.getData() == null ? Map.of() : secret.getData();
            return data.containsKey(CA_CRT) ? Pem.parseCertificates(decode(data, CA_CRT, "ca.crt"), "ca.crt").get(0) : null;
        } catch (InvalidPemException e) {
            return null;
        }
    }

    static Secret caSecret(String namespace, String name, CaState state) {
        Map<String, String> data = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();
        put(data, CA_CRT, Pem.certificates(List.of(state.current().certificate())));
        put(data, CA_KEY, Pem.privateKey(state.current().key()));
        if (state.next() != null) {
            put(data, NEXT_CRT, Pem.certificates(List.of(state.next().certificate())));
            put(data, NEXT_KEY, Pem.privateKey(state.next().key()));
            notes.put(NEXT_SINCE, state.nextSince().toString());
        }
        if (state.previous() != null) {
            put(data, PREVIOUS_CRT, Pem.certificates(List.of(state.previous())));
            notes.put(PREVIOUS_UNTIL, state.previousUntil().toString());
        }
        return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name).withLabels(LABELS)
                .withAnnotations(notes).endMetadata().withType("Opaque").withData(data).build();
    }

    static Secret servingSecret(String namespace, String name, CertificateAuthority.Issued serving, X509Certificate issuer) {
        Map<String, String> data = new LinkedHashMap<>();
        put(data, TLS_CRT, Pem.certificates(List.of(serving.certificate())));
        put(data, TLS_KEY, Pem.privateKey(serving.key()));
        put(data, CA_CRT, Pem.certificates(List.of(issuer)));
        return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name).withLabels(LABELS)
                .endMetadata().withType("kubernetes.io/tls").withData(data).build();
    }

    private static CertificateAuthority authority(Map<String, String> data, String certKey, String keyKey, String where)
            throws InvalidPemException {
        X509Certificate certificate = Pem.parseCertificates(decode(data, certKey, where), where + " " + certKey).get(0);
        PrivateKey key = Pem.parseEcPrivateKey(decode(data, keyKey, where), where + " " + keyKey);
        if (!CertificateChecks.keyMatches(certificate, key)) {
            throw new InvalidPemException(where + " " + keyKey + " does not belong to " + certKey);
        }
        return new CertificateAuthority(certificate, key);
    }

    private static Instant instant(Map<String, String> notes, String annotation, String where) throws InvalidPemException {
        String value = notes.get(annotation);
        try {
            return Instant.parse(value == null ? "" : value);
        } catch (DateTimeParseException e) {
            throw new InvalidPemException(where + " annotation " + annotation + " is not an RFC 3339 instant: " + value);
        }
    }

    private static byte[] decode(Map<String, String> data, String key, String where) throws InvalidPemException {
        String value = data.get(key);
        if (value == null) {
            throw new InvalidPemException(where + " has no " + key);
        }
        if (value.length() > Pem.MAX_BYTES * 2) {
            throw new InvalidPemException(where + " " + key + " is larger than " + Pem.MAX_BYTES + " bytes");
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidPemException(where + " " + key + " is not base64");
        }
    }

    private static void put(Map<String, String> data, String key, byte[] value) {
        data.put(key, Base64.getEncoder().encodeToString(value));
    }
}
