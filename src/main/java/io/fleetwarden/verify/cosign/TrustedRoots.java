package io.fleetwarden.verify.cosign;

import dev.sigstore.trustroot.SigstoreConfigurationException;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import dev.sigstore.tuf.SigstoreTufClient;
import io.fleetwarden.verify.TrustAnchor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Sigstore trusted roots ({@code trusted_root.json}: Fulcio CAs, Rekor logs, CT logs, TSAs) the verifier
 * may use, by name. The public-good root is embedded ({@value TrustAnchor#PUBLIC_GOOD}), so verification works
 * air-gapped; further roots (a private Sigstore, a newer public-good root) are added from bytes. Loading never
 * touches the network; {@link #refreshPublicGood(Path)} is the one method that does, and only when called.
 *
 * <p>Every root is validated beyond what sigstore-java checks (see {@link TrustedRootValidator}) and its
 * verifiers are built once, at load time. Thread-safe: roots may be replaced while verifications run; a
 * verification uses the root it looked up.
 */
public final class TrustedRoots {

    /** Upper bound for a trusted root document; the public-good root is about 7 KiB. */
    public static final int MAX_TRUSTED_ROOT_BYTES = 1 << 20;

    static final String PUBLIC_GOOD_RESOURCE = "/io/fleetwarden/verify/cosign/public-good/trusted_root.json";

    private final Map<String, LoadedRoot> roots = new ConcurrentHashMap<>();
    /** Why a root is not loaded, for roots that were refused; a verification against one names the reason. */
    private final Map<String, String> refusals = new ConcurrentHashMap<>();

    private TrustedRoots() {
    }

    /** No roots at all; keyless verification fails until one is added. */
    public static TrustedRoots empty() {
        return new TrustedRoots();
    }

    /** The embedded public-good root under the name {@value TrustAnchor#PUBLIC_GOOD}. */
    public static TrustedRoots withPublicGood() {
        TrustedRoots roots = new TrustedRoots();
        try (InputStream in = TrustedRoots.class.getResourceAsStream(PUBLIC_GOOD_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("embedded public-good trusted root is missing from the classpath");
            }
            roots.add(TrustAnchor.PUBLIC_GOOD, in.readNBytes(MAX_TRUSTED_ROOT_BYTES + 1));
        } catch (IOException e) {
            throw new IllegalStateException("embedded public-good trusted root cannot be read", e);
        }
        return roots;
    }

    /**
     * Loads (or replaces) the root {@code name} from a {@code trusted_root.json} document.
     *
     * @throws TrustedRootException when the document is too large, not JSON, not a trusted root, or lacks a
     *                              required field; the root is then not added (an existing one is kept)
     */
    public TrustedRoots add(String name, byte[] trustedRootJson) {
        if (name == null || name.isBlank()) {
            throw new TrustedRootException("a trusted root needs a name");
        }
        if (trustedRootJson.length > MAX_TRUSTED_ROOT_BYTES) {
            throw new TrustedRootException("trusted root \"" + name + "\" is larger than " + MAX_TRUSTED_ROOT_BYTES
                    + " bytes");
        }
        TrustedRootValidator.validate(name, trustedRootJson);
        SigstoreTrustedRoot parsed;
        try {
            parsed = SigstoreTrustedRoot.from(new ByteArrayInputStream(trustedRootJson));
        } catch (SigstoreConfigurationException | RuntimeException e) {
            throw new TrustedRootException("trusted root \"" + name + "\" is not a valid Sigstore trusted root: "
                    + describe(e), e);
        }
        roots.put(name, LoadedRoot.build(name, parsed));
        refusals.remove(name);
        return this;
    }

    /**
     * Unloads the root {@code name} and remembers why, for a root whose source went away or became invalid:
     * signatures are then refused with {@code reason} (never checked against another root instead).
     */
    public void refuse(String name, String reason) {
        refusals.put(name, reason);
        roots.remove(name);
    }

    /** Unloads the root {@code name} and forgets any refusal, for a root no policy refers to any more. */
    public void remove(String name) {
        roots.remove(name);
        refusals.remove(name);
    }

    /**
     * Why the root {@code name} cannot be used, or empty when it is loaded: the refusal's reason, else that
     * no root of that name was ever loaded.
     */
    public Optional<String> unavailable(String name) {
        if (name != null && roots.containsKey(name)) {
            return Optional.empty();
        }
        String reason = name == null ? null : refusals.get(name);
        return Optional.of("trusted root \"" + name + "\" is not loaded" + (reason != null ? ": " + reason
                : " (loaded: " + names() + ")"));
    }

    /** Loads the root {@code name} from a file, reading at most {@link #MAX_TRUSTED_ROOT_BYTES}. */
    public TrustedRoots add(String name, Path trustedRootJson) {
        try (InputStream in = Files.newInputStream(trustedRootJson)) {
            byte[] bytes = in.readNBytes(MAX_TRUSTED_ROOT_BYTES + 1);
            return add(name, bytes);
        } catch (IOException e) {
            throw new TrustedRootException("trusted root \"" + name + "\" cannot be read from " + trustedRootJson
                    + ": " + e.getMessage(), e);
        }
    }

    /** Names of the loaded roots, sorted. */
    public Set<String> names() {
        return new TreeSet<>(roots.keySet());
    }

    public boolean contains(String name) {
        return roots.containsKey(name);
    }

    Optional<LoadedRoot> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(roots.get(name));
    }

    /**
     * Fetches the current public-good trusted root over TUF (https://tuf-repo-cdn.sigstore.dev, verified from the
     * TUF root embedded in sigstore-java) and replaces {@value TrustAnchor#PUBLIC_GOOD} with it. This is the only
     * network access of this class and runs only when an operator asks for it (e.g. a CLI flag or an explicit
     * refresh setting); the embedded root stays in use if it fails. The fetched root goes through the same
     * validation as any other.
     *
     * @param cacheDir writable directory for the TUF metadata cache
     * @throws TrustedRootException when TUF fails or the fetched root does not validate
     */
    public void refreshPublicGood(Path cacheDir) {
        try {
            SigstoreTufClient tuf = SigstoreTufClient.builder().usePublicGoodInstance().tufCacheLocation(cacheDir)
                    .build();
            tuf.update();
            // Re-read the verified target from the TUF store so that it goes through our own validation too.
            Path fetched = cacheDir.resolve("targets").resolve("trusted_root.json");
            if (!Files.isRegularFile(fetched)) {
                throw new TrustedRootException("TUF update succeeded but " + fetched + " is missing");
            }
            add(TrustAnchor.PUBLIC_GOOD, fetched);
        } catch (IOException | SigstoreConfigurationException | RuntimeException e) {
            throw new TrustedRootException("public-good trusted root refresh over TUF failed: " + describe(e), e);
        }
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return sb.toString();
    }
}
