package io.fleetwarden.testing.sigstore;

import java.security.KeyPair;

/** Untrusted twins of the local authorities, used only by {@link Tamper}s. */
record Rogues(FulcioCa ca, CtLog ctLog, KeyPair logKey, KeyPair v2LogKey, TimestampAuthority tsa) {
}
