package io.fleetwarden.oci;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code WWW-Authenticate} challenge: {@code Bearer realm="https://auth.example/token",service="reg",
 * scope="repository:org/app:pull"} or {@code Basic realm="Registry"}. Quoted values may contain commas
 * (scopes like {@code pull,push} do), so this is a small tokenizer rather than a split.
 */
record AuthChallenge(String scheme, Map<String, String> params) {

    AuthChallenge {
        scheme = scheme.toLowerCase(Locale.ROOT);
        params = Map.copyOf(params);
    }

    String param(String name) {
        return params.get(name);
    }

    /** The first Bearer challenge among the headers, else the first Basic one. */
    static Optional<AuthChallenge> preferred(List<String> headerValues) {
        AuthChallenge basic = null;
        for (String value : headerValues) {
            Optional<AuthChallenge> challenge = parse(value);
            if (challenge.isPresent() && "bearer".equals(challenge.get().scheme())) {
                return challenge;
            }
            if (challenge.isPresent() && "basic".equals(challenge.get().scheme()) && basic == null) {
                basic = challenge.get();
            }
        }
        return Optional.ofNullable(basic);
    }

    static Optional<AuthChallenge> parse(String header) {
        String text = header.trim();
        int space = text.indexOf(' ');
        String scheme = space < 0 ? text : text.substring(0, space);
        if (scheme.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        int i = space < 0 ? text.length() : space + 1;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = text.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            StringBuilder value = new StringBuilder();
            int j = eq + 1;
            if (j < text.length() && text.charAt(j) == '"') {
                for (j++; j < text.length() && text.charAt(j) != '"'; j++) {
                    if (text.charAt(j) == '\\' && j + 1 < text.length()) {
                        j++;
                    }
                    value.append(text.charAt(j));
                }
                j++;
            } else {
                for (; j < text.length() && text.charAt(j) != ','; j++) {
                    value.append(text.charAt(j));
                }
            }
            params.putIfAbsent(name, value.toString().trim());
            int comma = text.indexOf(',', j);
            i = comma < 0 ? text.length() : comma + 1;
        }
        return Optional.of(new AuthChallenge(scheme, params));
    }
}
