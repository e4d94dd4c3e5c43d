package io.fleetwarden.render;

import java.util.ArrayList;
import java.util.List;

/** RFC 6901 JSON pointers as Go's JSON patch and pointer libraries read them: {@code /a~1b/0} is {@code [a/b, 0]}. */
public final class JsonPointer {

    private JsonPointer() {
    }

    /**
     * The unescaped reference tokens ({@code ~1} is {@code /}, then {@code ~0} is {@code ~}); the empty pointer (the
     * whole document) has none.
     *
     * @throws IllegalArgumentException when the pointer does not start with {@code /}
     */
    public static List<String> tokens(String pointer) {
        if (pointer.isEmpty()) {
            return List.of();
        }
        if (!pointer.startsWith("/")) {
            throw new IllegalArgumentException("a JSON pointer starts with '/'");
        }
        List<String> out = new ArrayList<>();
        for (String t : pointer.substring(1).split("/", -1)) {
            out.add(t.replace("~1", "/").replace("~0", "~"));
        }
        return out;
    }
}
