package io.overlaykit.samples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The machine a benchmark ran on, as {@code /proc} tells it, and when: every result carries it. */
public record Machine(String cpu, int cores, double memoryGib, String kernel, String date) {

    /** This machine, now. */
    public static Machine current() {
        String cpu = "unknown";
        int cores = 0;
        for (String line : lines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name") && cpu.equals("unknown")) {
                cpu = line.substring(line.indexOf(':') + 1).trim();
            }
            if (line.startsWith("processor")) {
                cores++;
            }
        }
        double memory = 0;
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                memory = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0;
            }
        }
        String kernel = lines(Path.of("/proc/sys/kernel/osrelease")).stream().findFirst().orElse("unknown");
        return new Machine(cpu, cores, Math.round(memory * 10) / 10.0, kernel,
                ZonedDateTime.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    }

    /** One line for the top of a table. */
    public String describe() {
        return String.format(Locale.ROOT, "%s, %d cores, %.1f GiB, Linux %s, %s", cpu, cores, memoryGib, kernel, date);
    }

    /** The fields for JSON output. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpu);
        m.put("cores", cores);
        m.put("memory_gib", memoryGib);
        m.put("kernel", kernel);
        m.put("date", date);
        return m;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
