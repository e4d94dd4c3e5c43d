package io.fleetwarden.render;

import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;

/**
 * Quotes a string value only where a plain YAML scalar would be read back differently, like Go's YAML emitter
 * (which kustomize-controller uses before substitution) rather than Jackson's default, which also quotes any
 * value containing braces. It matters for postBuild substitution: {@code replicas: ${R}} must be written plain so
 * that after substitution it reads back as a number, as in Flux.
 */
final class PlainScalars extends StringQuotingChecker {

    private static final long serialVersionUID = 1L;
    private static final String UNSAFE_FIRST = "-?:,[]{}#&*!|>'\"%@`";

    @Override
    public boolean needToQuoteName(String name) {
        return StringQuotingChecker.Default.instance().needToQuoteName(name);
    }

    @Override
    public boolean needToQuoteValue(String v) {
        if (v.isEmpty() || isReservedKeyword(v) || looksLikeYAMLNumber(v)) {
            return true;
        }
        if (UNSAFE_FIRST.indexOf(v.charAt(0)) >= 0 || Character.isWhitespace(v.charAt(0))
                || Character.isWhitespace(v.charAt(v.length() - 1))) {
            return true;
        }
        if (v.contains(": ") || v.contains(" #") || v.endsWith(":")) {
            return true;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 && c != '\n' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }
}
