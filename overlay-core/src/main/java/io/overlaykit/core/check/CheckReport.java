package io.overlaykit.core.check;

import java.util.List;

/**
 * The probes of one check run, in a stable order. Prints as a table ({@link #toTable()}) and gives a
 * process exit code ({@link #exitCode()}: 0 when every probe succeeded, 1 otherwise).
 */
public record CheckReport(List<Probe> rows) {
    private static final String[] HEADERS = {"FROM", "TO", "KIND", "RESULT", "MS", "ERROR"};

    /** Copies {@code rows}, which must not be null nor hold nulls. */
    public CheckReport {
        rows = List.copyOf(rows);
    }

    /** True when every probe succeeded (and vacuously for an empty report). */
    public boolean allOk() {
        return rows.stream().allMatch(Probe::ok);
    }

    /** The probes that failed. */
    public List<Probe> failures() {
        return rows.stream().filter(p -> !p.ok()).toList();
    }

    /** The {@code n} slowest probes, slowest first (where a path hesitates: ARP, a full queue, a lost packet). */
    public List<Probe> slowest(int n) {
        return rows.stream().sorted(java.util.Comparator.comparingLong(Probe::millis).reversed()).limit(n).toList();
    }

    /** 0 when every probe succeeded, 1 otherwise. */
    public int exitCode() {
        return allOk() ? 0 : 1;
    }

    /** {@code 28/30 probes ok, 2 failed}. */
    public String summary() {
        int failed = failures().size();
        return (rows.size() - failed) + "/" + rows.size() + " probes ok" + (failed == 0 ? "" : ", " + failed + " failed");
    }

    /** An aligned text table, one line per probe, then the summary. */
    public String toTable() {
        String[][] cells = new String[rows.size() + 1][];
        cells[0] = HEADERS;
        for (int i = 0; i < rows.size(); i++) {
            Probe p = rows.get(i);
            cells[i + 1] = new String[] {p.from(), p.to(), p.kind().name().toLowerCase(java.util.Locale.ROOT),
                p.ok() ? "ok" : "FAIL", Long.toString(p.millis()), p.error() == null ? "" : p.error()};
        }
        int[] width = new int[HEADERS.length];
        for (String[] row : cells) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                boolean right = c == 4; // numbers align right
                String cell = row[c];
                String pad = " ".repeat(width[c] - cell.length());
                line.append(right ? pad + cell : cell + (c == row.length - 1 ? "" : pad));
                if (c < row.length - 1) {
                    line.append("  ");
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.append(summary()).append('\n').toString();
    }

    @Override
    public String toString() {
        return toTable();
    }
}
