package io.fleetwarden.render.resourceset;

/** A template that cannot be parsed or executed; the message names the position as Go does (name:line:col). */
public final class TemplateException extends Exception {
    public TemplateException(String message) {
        super(message);
    }
}
