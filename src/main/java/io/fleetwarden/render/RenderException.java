package io.fleetwarden.render;

/**
 * A build that cannot be done: names the file and the field (or document) at fault, so that a user can fix
 * the kustomization without reading our code. Never a partial result.
 */
public final class RenderException extends RuntimeException {

    private final String file;
    private final String field;

    public RenderException(String file, String field, String message) {
        super(format(file, field, message));
        this.file = file;
        this.field = field;
    }

    public String file() {
        return file;
    }

    public String field() {
        return field;
    }

    private static String format(String file, String field, String message) {
        StringBuilder sb = new StringBuilder();
        if (file != null && !file.isEmpty()) {
            sb.append(file).append(": ");
        }
        if (field != null && !field.isEmpty()) {
            sb.append(field).append(": ");
        }
        return sb.append(message).toString();
    }
}
