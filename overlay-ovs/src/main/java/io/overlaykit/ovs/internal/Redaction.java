package io.overlaykit.ovs.internal;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Hides secrets (the IPsec {@code psk} option) wherever rows, operations or server errors are printed. */
public final class Redaction {
    public static final String MASK = "<redacted>";

    private Redaction() {
    }

    /** The value with secret map entries (or a secret column) masked. */
    public static Object redact(String column, Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, isSecretKey(String.valueOf(k)) ? MASK : v));
            return copy;
        }
        return isSecretKey(column) ? MASK : value;
    }

    public static boolean isSecretKey(String key) {
        return key.equals("psk") || key.endsWith("_psk") || key.contains("private_key");
    }

    /** {@code text} with every occurrence of each secret replaced by the mask (for server error details). */
    public static String scrub(String text, Collection<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            if (s != null && !s.isEmpty()) {
                out = out.replace(s, MASK);
            }
        }
        return out;
    }
}
