package io.overlaykit.samples.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What systemd does with a template unit before it runs {@code ExecStart}, for a machine without systemd: parse
 * the unit file (sections, {@code key=value}, comments, continuation lines), escape an instance as
 * {@code systemd-escape} does, substitute the specifiers the unit uses ({@code %i %I %n %N %p %f %%}; any other
 * fails loudly), build the environment (systemd's default {@code PATH}, then {@code Environment=} and
 * {@code EnvironmentFile=} in order) and split the command line (quotes, then {@code $VAR} as a whole word into
 * zero or more words, {@code ${VAR}} inside a word) as systemd.service(5) and systemd.exec(5) describe.
 */
record SystemdUnit(String name, Map<String, List<String>> service, Map<String, List<String>> unit) {
    /** The PATH systemd gives services (systemd.exec(5), "Environment variables in spawned processes"). */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    static SystemdUnit parse(Path file) throws IOException {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        String section = null;
        StringBuilder pending = null;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String line = pending != null ? pending + raw.strip() : raw.strip();
            pending = null;
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending = new StringBuilder(line.substring(0, line.length() - 1)).append(' ');
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
                sections.putIfAbsent(section, new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (section == null || eq < 0) {
                throw new IllegalArgumentException(file + ": not a unit line: " + line);
            }
            sections.get(section).computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
                    .add(line.substring(eq + 1).strip());
        }
        return new SystemdUnit(file.getFileName().toString(), sections.getOrDefault("Service", Map.of()),
                sections.getOrDefault("Unit", Map.of()));
    }

    /** The single value of a [Service] key (the last, as systemd takes), or null. */
    String value(String key) {
        List<String> v = service.get(key);
        return v == null || v.isEmpty() ? null : v.get(v.size() - 1);
    }

    /** The environment of the service's processes. */
    Map<String, String> environment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        for (String assignments : service.getOrDefault("Environment", List.of())) {
            for (String a : words(assignments)) {
                int eq = a.indexOf('=');
                env.put(a.substring(0, eq), a.substring(eq + 1));
            }
        }
        for (String f : service.getOrDefault("EnvironmentFile", List.of())) {
            boolean optional = f.startsWith("-");
            Path p = Path.of(optional ? f.substring(1) : f);
            if (!Files.exists(p)) {
                if (!optional) {
                    throw new IOException("EnvironmentFile " + p + " is missing and not optional");
                }
                continue;
            }
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
                    List<String> w = words(l);
                    int eq = w.get(0).indexOf('=');
                    env.put(w.get(0).substring(0, eq), w.get(0).substring(eq + 1));
                }
            }
        }
        return env;
    }

    /** ExecStart for {@code instance} (escaped, as in the unit's name) as the argv systemd would exec. */
    List<String> execStart(String instance, Map<String, String> env) {
        String line = value("ExecStart");
        if (line == null) {
            throw new IllegalStateException(name + " has no ExecStart");
        }
        if (!line.isEmpty() && "-@:+!".indexOf(line.charAt(0)) >= 0) {
            throw new UnsupportedOperationException("ExecStart prefix " + line.charAt(0) + " is not emulated");
        }
        String expanded = specifiers(line, instance);
        List<String> argv = new ArrayList<>();
        for (Word w : tokens(expanded)) {
            if (!w.quoted && w.text.matches("\\$[A-Za-z_][A-Za-z0-9_]*")) {
                argv.addAll(words(env.getOrDefault(w.text.substring(1), ""))); // zero or more words
            } else {
                argv.add(braced(w.text, env));
            }
        }
        return argv;
    }

    private String specifiers(String line, String instance) {
        String prefix = name.substring(0, name.indexOf('@'));
        String full = prefix + "@" + instance + ".service";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            char s = line.charAt(++i);
            switch (s) {
                case 'i' -> sb.append(instance);
                case 'I' -> sb.append(unescape(instance));
                case 'n' -> sb.append(full);
                case 'N' -> sb.append(prefix).append('@').append(instance);
                case 'p' -> sb.append(prefix);
                case 'f' -> sb.append('/').append(unescape(instance));
                case '%' -> sb.append('%');
                default -> throw new UnsupportedOperationException("specifier %" + s + " is not emulated");
            }
        }
        return sb.toString();
    }

    /** systemd-escape STRING: keeps [A-Za-z0-9:_.] (a leading '.' escaped), '/' becomes '-', the rest \xNN. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            char c = (char) (bytes[i] & 0xff);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':'
                    || c == '_' || (c == '.' && i > 0);
            if (c == '/') {
                sb.append('-');
            } else if (plain) {
                sb.append(c);
            } else {
                sb.append("\\x").append(HexFormat.of().toHexDigits((byte) c));
            }
        }
        return sb.toString();
    }

    /** systemd-escape --path PATH: without the leading and trailing slashes, then escaped. */
    static String escapePath(String path) {
        String p = path.replaceAll("/+", "/");
        p = p.startsWith("/") ? p.substring(1) : p;
        p = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        return p.isEmpty() ? "-" : escape(p);
    }

    /** The reverse: '-' becomes '/', \xNN its byte. */
    static String unescape(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '-') {
                out.write('/');
            } else if (c == '\\' && i + 3 < s.length() && s.charAt(i + 1) == 'x') {
                out.write(HexFormat.fromHexDigits(s, i + 2, i + 4));
                i += 3;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private record Word(String text, boolean quoted) {
    }

    /** Splits at whitespace, honouring "double" and 'single' quotes and backslash escapes. */
    private static List<Word> tokens(String line) {
        List<Word> out = new ArrayList<>();
        StringBuilder cur = null;
        boolean quoted = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    cur.append(line.charAt(++i));
                } else {
                    cur.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (cur != null) {
                    out.add(new Word(cur.toString(), quoted));
                    cur = null;
                    quoted = false;
                }
            } else {
                if (cur == null) {
                    cur = new StringBuilder();
                }
                if (c == '"' || c == '\'') {
                    quote = c;
                    quoted = true;
                } else if (c == '\\' && i + 1 < line.length()) {
                    cur.append(line.charAt(++i));
                } else {
                    cur.append(c);
                }
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unterminated quote in: " + line);
        }
        if (cur != null) {
            out.add(new Word(cur.toString(), quoted));
        }
        return out;
    }

    private static List<String> words(String s) {
        return tokens(s).stream().map(Word::text).toList();
    }

    private static String braced(String word, Map<String, String> env) {
        StringBuilder sb = new StringBuilder();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}").matcher(word);
        while (m.find()) {
            m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(env.getOrDefault(m.group(1), "")));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
