package io.fleetwarden.testing;

import io.fleetwarden.testing.cluster.ClusterPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * A webhook serving certificate on disk, laid out the way the kubelet mounts a Secret: {@code tls.crt},
 * {@code tls.key} and {@code ca.crt} are symlinks into {@code ..data}, itself a symlink to a generation
 * directory. {@link #rotate()} writes a new generation (new CA, new key, new certificate for
 * {@code localhost} and {@code 127.0.0.1}) and switches {@code ..data} with one rename, so a reader never
 * sees a half-written file, exactly like a Secret update in a pod.
 */
public final class TlsFixture implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final List<Generation> generations = new ArrayList<>();
    private int written;

    /** One CA and the serving certificate it issued. */
    public record Generation(X509Certificate ca, X509Certificate serving) {
    }

    private TlsFixture(Path dir) {
        this.dir = dir;
    }

    public static TlsFixture create() {
        try {
            TlsFixture fixture = new TlsFixture(Files.createTempDirectory("fleetwarden-tls-"));
            fixture.rotate();
            for (String file : List.of("tls.crt", "tls.key", "ca.crt")) {
                Files.createSymbolicLink(fixture.dir.resolve(file), Path.of("..data", file));
            }
            return fixture;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory holding {@code tls.crt}, {@code tls.key} and {@code ca.crt}. */
    public Path dir() {
        return dir;
    }

    public Path certFile() {
        return dir.resolve("tls.crt");
    }

    public Path keyFile() {
        return dir.resolve("tls.key");
    }

    public synchronized Generation current() {
        return generations.get(generations.size() - 1);
    }

    /** The current CA in PEM, as a {@code caBundle} carries it. */
    public static String pem(X509Certificate certificate) {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every CA this fixture has issued from, oldest first: a client trusting all of them survives rotations. */
    public synchronized List<X509Certificate> allCas() {
        return generations.stream().map(Generation::ca).toList();
    }

    /** Writes a new CA, key and serving certificate and switches to them atomically. */
    public synchronized Generation rotate() {
        return issue(false);
    }

    /**
     * Switches to a new certificate whose key file holds some other key, as a reload would see if it read
     * the certificate and the key across two different Secret versions. Not added to {@link #allCas()}'s
     * usable generations: {@link #current()} stays the last good one.
     */
    public synchronized Generation rotateToMismatchedKey() {
        return issue(true);
    }

    private Generation issue(boolean mismatchedKey) {
        try {
            KeyPair caKeys = ecKeys();
            X509Certificate ca = caCertificate(caKeys, generations.size());
            KeyPair servingKeys = ecKeys();
            X509Certificate serving = servingCertificate(servingKeys, ca, caKeys);
            byte[] key = (mismatchedKey ? ecKeys() : servingKeys).getPrivate().getEncoded();
            writeGeneration(pem("CERTIFICATE", serving.getEncoded()).getBytes(StandardCharsets.US_ASCII),
                    pem("PRIVATE KEY", key).getBytes(StandardCharsets.US_ASCII),
                    pem("CERTIFICATE", ca.getEncoded()).getBytes(StandardCharsets.US_ASCII));
            Generation created = new Generation(ca, serving);
            if (!mismatchedKey) {
                generations.add(created);
            }
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a test certificate", e);
        }
    }

    /**
     * Switches to the files of a Secret somebody else issued (its {@code tls.crt}, {@code tls.key},
     * {@code ca.crt} values), as the kubelet does when the mounted Secret changes; {@code ca} joins
     * {@link #allCas()} so clients trusting the fixture keep working.
     */
    public synchronized Generation install(byte[] tlsCrt, byte[] tlsKey, byte[] caCrt, X509Certificate ca,
            X509Certificate serving) {
        try {
            writeGeneration(tlsCrt, tlsKey, caCrt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Generation installed = new Generation(ca, serving);
        generations.add(installed);
        return installed;
    }

    private void writeGeneration(byte[] tlsCrt, byte[] tlsKey, byte[] caCrt) throws IOException {
        String name = "..gen-" + (++written);
        Path generation = Files.createDirectory(dir.resolve(name));
        Files.write(generation.resolve("tls.crt"), tlsCrt);
        Files.write(generation.resolve("tls.key"), tlsKey);
        Files.write(generation.resolve("ca.crt"), caCrt);
        // The kubelet's AtomicWriter move: one rename(2) of the ..data symlink switches all three files.
        Path link = Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of(name));
        Files.move(link, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                    Files.delete(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static X509Certificate caCertificate(KeyPair keys, int generation)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name name = new X500Name("CN=fleetwarden test CA " + generation);
        X509v3CertificateBuilder builder = builder(name, name, keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return sign(builder, keys);
    }

    private static X509Certificate servingCertificate(KeyPair keys, X509Certificate ca, KeyPair caKeys)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X509v3CertificateBuilder builder = builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                new X500Name("CN=localhost"), keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1") }));
        return sign(builder, caKeys);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws GeneralSecurityException, OperatorCreationException {
        return ClusterPki.sign(builder, signer);
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        return ClusterPki.ecKeys();
    }

    private static String pem(String type, byte[] der) {
        return ClusterPki.pem(type, der);
    }
}
