package io.fleetwarden.policy;

/** How an untrusted value reads in a message: quoted, bounded, with invisible characters made visible. */
public final class Quoted {

    /** Values can be hostile, and messages end up in events, logs and AdmissionResponses. */
    public static final int MAX_CHARS = 200;

    private Quoted() {
    }

    public static String of(String s) {
        if (s == null) {
            return "null";
        }
        boolean cut = s.length() > MAX_CHARS;
        StringBuilder sb = new StringBuilder("\"");
        for (char c : (cut ? s.substring(0, MAX_CHARS) : s).toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append(cut ? "...\"" : "\"").toString();
    }
}
