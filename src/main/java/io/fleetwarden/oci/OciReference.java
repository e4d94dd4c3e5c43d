package io.fleetwarden.oci;

/**
 * A reference to an OCI artifact as users write it: {@code oci://ghcr.io/org/repo/component:tag},
 * {@code ghcr.io/org/repo@sha256:...}, {@code localhost:5000/app:v1}. Parsing lives in
 * {@link OciReferenceParser}.
 *
 * @param registry   host[:port] as written, lower case; {@code docker.io} for references without one
 * @param repository the repository path, lower case
 * @param tag        null when absent
 * @param digest     null when absent
 */
public record OciReference(String registry, String repository, String tag, Digest digest) {

    public static OciReference parse(String text) {
        return OciReferenceParser.parse(text);
    }

    public OciReference withDigest(Digest d) {
        return new OciReference(registry, repository, tag, d);
    }

    public OciReference withTag(String t) {
        return new OciReference(registry, repository, t, digest);
    }

    /** {@code registry/repository}, without tag or digest. */
    public String repositoryName() {
        return registry + "/" + repository;
    }

    @Override
    public String toString() {
        return repositoryName() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
