package io.overlaykit.samples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain-text table: a header row, rows, columns padded to their widest cell (numbers right-aligned). */
final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
    }

    Table row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = String.valueOf(cells[i]);
        }
        rows.add(r);
        return this;
    }

    @Override
    public String toString() {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < rows.size(); k++) {
            String[] r = rows.get(k);
            for (int i = 0; i < r.length; i++) {
                boolean number = k > 0 && i > 0 && r[i].matches("[-0-9.,x%]+( [a-zA-Z/%]+)?");
                String cell = number ? " ".repeat(width[i] - r[i].length()) + r[i]
                        : r[i] + " ".repeat(width[i] - r[i].length());
                sb.append(i == 0 ? "" : "  ").append(cell);
            }
            sb.append('\n');
            if (k == 0) {
                sb.append("-".repeat(sb.length() - 1)).append('\n');
            }
        }
        return sb.toString().replaceAll(" +\n", "\n");
    }

    /** {@code 12.3 s} / {@code 45 ms}: three significant digits. */
    static String seconds(double s) {
        return s >= 1 ? String.format(Locale.ROOT, "%.2f s", s) : String.format(Locale.ROOT, "%.1f ms", s * 1000);
    }

    static String millis(double ms) {
        return String.format(Locale.ROOT, "%.2f ms", ms);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.1fx", r);
    }

    static String gbps(double g) {
        return String.format(Locale.ROOT, "%.2f", g);
    }

    /** {@code met} or {@code MISSED}, for target lines. */
    static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    /** Rounds for JSON: 4 significant decimals are plenty for noisy timings. */
    static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
