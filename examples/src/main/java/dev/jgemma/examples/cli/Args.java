package dev.jgemma.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed {@code --flag value} / {@code --switch} arguments of one command, checked against the
 * flags the command declares: an unknown flag or a missing value is a {@link CliException}.
 */
final class Args {
    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, List<String>> repeated = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    /**
     * @param command the command name, for messages
     * @param argv the arguments after the command name
     * @param valued flags that take a value (without the leading dashes)
     * @param switches flags that take none
     */
    Args(String command, String[] argv, Set<String> valued, Set<String> switches) {
        this.command = command;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String inline = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    inline = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (valued.contains(name)) {
                    if (inline == null) {
                        if (i + 1 >= argv.length) {
                            throw new CliException(command + ": --" + name + " needs a value");
                        }
                        inline = argv[++i];
                    }
                    values.put(name, inline);
                    repeated.computeIfAbsent(name, k -> new ArrayList<>()).add(inline);
                } else if (switches.contains(name) && inline == null) {
                    values.put(name, "true");
                } else {
                    throw new CliException(command + ": unknown flag --" + name + " (see: gemma help " + command + ")");
                }
            } else {
                positional.add(a);
            }
        }
    }

    String command() {
        return command;
    }

    boolean has(String flag) {
        return values.containsKey(flag);
    }

    String string(String flag, String dflt) {
        return values.getOrDefault(flag, dflt);
    }

    /** @return every value given for a flag that may be repeated, in order (empty if none) */
    List<String> all(String flag) {
        return List.copyOf(repeated.getOrDefault(flag, List.of()));
    }

    String required(String flag) {
        String v = values.get(flag);
        if (v == null) {
            throw new CliException(command + ": missing required flag --" + flag);
        }
        return v;
    }

    int integer(String flag, int dflt) {
        String v = values.get(flag);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException(command + ": --" + flag + " needs an integer, got '" + v + "'");
        }
    }

    double number(String flag, double dflt) {
        String v = values.get(flag);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException(command + ": --" + flag + " needs a number, got '" + v + "'");
        }
    }

    int[] intList(String flag) {
        String v = required(flag);
        String[] parts = v.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new CliException(command + ": --" + flag + " needs comma-separated integers, got '" + parts[i] + "'");
            }
        }
        return out;
    }

    /** A path that must exist. */
    Path existing(String flag) {
        Path p = Path.of(required(flag));
        if (!Files.exists(p)) {
            throw new CliException(command + ": --" + flag + " " + p + ": no such file or folder");
        }
        return p;
    }

    List<String> positional() {
        return List.copyOf(positional);
    }
}
