package io.overlaykit.samples.cli;

import io.overlaykit.core.InvalidSpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line arguments: positionals, {@code --flag} and {@code --option VALUE} (or
 * {@code --option=VALUE}). Unknown options are errors that name the option, so a typo never silently
 * changes what runs.
 */
final class Args {
    private final List<String> positionals = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();

    private Args() {
    }

    /**
     * Parses {@code argv}; {@code flags} take no value, {@code valued} take one.
     *
     * @throws InvalidSpecException naming the bad argument
     */
    static Args parse(List<String> argv, Set<String> flags, Set<String> valued) {
        Args args = new Args();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (!a.startsWith("--") || a.equals("--")) {
                args.positionals.add(a);
                continue;
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new InvalidSpecException("--" + name, value, "takes no value");
                }
                args.options.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.size()) {
                        throw new InvalidSpecException("--" + name, null, "needs a value");
                    }
                    value = argv.get(++i);
                    // `--host --json`: the value was forgotten, the next option is not it (use --host=--x for that)
                    if (value.startsWith("--")) {
                        throw new InvalidSpecException("--" + name, value, "needs a value, not the next option");
                    }
                }
                args.options.put(name, value);
            } else {
                throw new InvalidSpecException(a, null, "unknown option");
            }
        }
        return args;
    }

    List<String> positionals() {
        return positionals;
    }

    String positional(int index, String what) {
        if (index >= positionals.size()) {
            throw new InvalidSpecException(what, null, "is required");
        }
        return positionals.get(index);
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    String option(String name) {
        return options.get(name);
    }
}
