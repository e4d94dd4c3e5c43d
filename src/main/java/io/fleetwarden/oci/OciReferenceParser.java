package io.fleetwarden.oci;

/** Parses OCI references as users write them. */
final class OciReferenceParser {

    private OciReferenceParser() {
    }

    static OciReference parse(String text) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
