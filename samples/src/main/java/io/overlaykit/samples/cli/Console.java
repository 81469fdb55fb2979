package io.overlaykit.samples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Where the tool's output goes: one line per step with a mark and its time, nothing with
 * {@code --quiet}, or one JSON object per line with {@code --json}.
 */
final class Console {
    enum Mode { TEXT, QUIET, JSON }

    /** A step's outcome, and the mark printed for it. */
    enum Mark {
        OK("✓"), CHANGED("+"), UNCHANGED("="), UNDONE("↺"), FAILED("✗"), INFO("·");

        final String symbol;

        Mark(String symbol) {
            this.symbol = symbol;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final PrintStream err;
    private final Mode mode;

    Console(PrintStream out, PrintStream err, Mode mode) {
        this.out = out;
        this.err = err;
        this.mode = mode;
    }

    Mode mode() {
        return mode;
    }

    /** One step line: {@code ✓ create bridge okb-1a2b3c (12 ms)}. */
    void step(Mark mark, String text, Duration took) {
        switch (mode) {
            case QUIET -> { }
            case TEXT -> out.println(String.format(Locale.ROOT, "%s %s%s", mark.symbol, text,
                    took == null ? "" : " (" + millis(took) + ")"));
            case JSON -> {
                ObjectNode line = JSON.createObjectNode();
                line.put("event", "step").put("mark", mark.name().toLowerCase(Locale.ROOT)).put("text", text);
                if (took != null) {
                    line.put("millis", took.toMillis());
                }
                out.println(line);
            }
        }
    }

    /** A line of plain information (not a step). */
    void info(String text) {
        step(Mark.INFO, text, null);
    }

    /** A finished result as JSON, or its text form. */
    void result(Object json, String text) {
        switch (mode) {
            case QUIET -> { }
            case TEXT -> out.println(text);
            case JSON -> {
                try {
                    out.println(JSON.writeValueAsString(json));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot render result as JSON", e);
                }
            }
        }
    }

    /** Text printed as it is (a Graphviz graph), unless quiet. */
    void raw(String text) {
        if (mode != Mode.QUIET) {
            out.print(text);
        }
    }

    /** An error: always shown, on standard error (as JSON too with --json, on standard output). */
    void error(String text) {
        if (mode == Mode.JSON) {
            ObjectNode line = JSON.createObjectNode();
            line.put("event", "error").put("text", text);
            out.println(line);
        }
        err.println("overlay: " + text);
    }

    /** {@code value} (maps, lists, strings, numbers) as one line of JSON. */
    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException("cannot render as JSON: " + value, e);
        }
    }

    static String millis(Duration d) {
        long ms = d.toMillis();
        return ms >= 10_000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000.0) : ms + " ms";
    }
}
