package io.overlaykit.core;

import java.util.List;

/**
 * Input was rejected before anything on the system changed. Each problem names the field (a JSON path
 * such as {@code hosts[1].containers[0].ip} or a builder property) and the offending value.
 */
public class InvalidSpecException extends OverlayException {
    private static final long serialVersionUID = 1L;

    /** One rejected field: where, what value, and why. */
    public record Problem(String path, String value, String reason) {
        @Override
        public String toString() {
            return value == null ? path + ": " + reason : path + " = " + value + ": " + reason;
        }
    }

    /** Every rejected field, in the order found. */
    private final List<Problem> problems;

    /** One exception for all of {@code problems} (at least one), so a caller sees every mistake at once. */
    public InvalidSpecException(List<Problem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    /** A single problem: {@code value} (may be null; kept as text) at {@code path} is wrong because {@code reason}. */
    public InvalidSpecException(String path, Object value, String reason) {
        this(List.of(new Problem(path, value == null ? null : String.valueOf(value), reason)));
    }

    /** Every rejected field, in the order found; never empty. */
    public List<Problem> problems() {
        return problems;
    }

    private static String render(List<Problem> problems) {
        if (problems.size() == 1) {
            return "invalid " + problems.get(0);
        }
        StringBuilder sb = new StringBuilder(problems.size() + " problems:");
        for (Problem p : problems) {
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }
}
