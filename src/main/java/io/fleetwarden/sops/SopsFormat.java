package io.fleetwarden.sops;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The file formats of SOPS, told from a path as kustomize-controller tells them ({@code .yaml}/{@code .yml},
 * {@code .json} and a {@code .dockerconfigjson} key, {@code .env}, {@code .ini}, anything else binary), and from
 * content by the marker an encrypted file of that format always holds.
 */
public enum SopsFormat {
    BINARY("\"mac\": \"ENC["), DOTENV("sops_mac=ENC["), INI("[sops]"), JSON("\"mac\": \"ENC["), YAML("mac: ENC[");

    private final byte[] marker;

    SopsFormat(String marker) {
        this.marker = marker.getBytes(StandardCharsets.UTF_8);
    }

    public static SopsFormat forPath(String path) {
        if (path.endsWith(".dockerconfigjson")) {
            return JSON;
        }
        if (path.endsWith(".yaml") || path.endsWith(".yml")) {
            return YAML;
        }
        if (path.endsWith(".json")) {
            return JSON;
        }
        if (path.endsWith(".env")) {
            return DOTENV;
        }
        if (path.endsWith(".ini")) {
            return INI;
        }
        return BINARY;
    }

    /** Whether {@code data} holds this format's marker: kustomize-controller decrypts a file only if it does. */
    public boolean marks(byte[] data) {
        outer:
        for (int i = 0; i + marker.length <= data.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (data[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * The format whose marker {@code data} holds, if any. JSON and binary share a marker and a reader (binary is a
     * JSON envelope), so which of them is named does not change the result.
     */
    public static Optional<SopsFormat> detect(byte[] data) {
        for (SopsFormat f : new SopsFormat[] {JSON, DOTENV, INI, YAML}) {
            if (f.marks(data)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
