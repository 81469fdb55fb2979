package io.overlaykit.netlink.internal.nft;

import java.util.ArrayList;
import java.util.List;

/**
 * Condenses libnftables' error buffer into one line for an exception message. The buffer holds, per
 * error, a line {@code LOCATION: Error: TEXT} (or a bare {@code Error: TEXT}), sometimes followed by the
 * offending command and a caret line that are useless once the command is JSON.
 */
public final class NftErrors {
    private NftErrors() {
    }

    /** The {@code Error: ...} texts joined with {@code "; "}; the raw text when there is none. */
    public static String summary(String errorBuffer) {
        if (errorBuffer == null || errorBuffer.isBlank()) {
            return "libnftables failed without an error message";
        }
        List<String> errors = new ArrayList<>();
        for (String line : errorBuffer.split("\n")) {
            int at = line.indexOf("Error: ");
            if (at >= 0) {
                String text = line.substring(at).strip();
                if (!errors.contains(text)) {
                    errors.add(text);
                }
            }
        }
        return errors.isEmpty() ? errorBuffer.strip().replace('\n', ' ') : String.join("; ", errors);
    }
}
