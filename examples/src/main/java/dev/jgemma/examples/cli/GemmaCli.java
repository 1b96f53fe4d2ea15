package dev.jgemma.examples.cli;

import dev.jgemma.core.GemmaException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code gemma} command-line tool. Each subcommand is one {@link Command} class; errors are
 * one line on stderr with a non-zero exit status, never a stack trace (set {@code GEMMA_DEBUG=1}
 * to see one).
 */
public final class GemmaCli {
    private static final List<Command> COMMANDS = List.of(
            new InfoCommand(),
            new LogitsCommand(),
            new GenerateCommand(),
            new ChatCommand(),
            new TokenizeCommand(),
            new QuantizeCommand(),
            new PerplexityCommand(),
            new KldCommand(),
            new MergeCommand(),
            new SynthCommand(),
            new BenchCommand());

    private GemmaCli() {
    }

    /**
     * @param argv command and flags
     */
    public static void main(String[] argv) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
        int status = run(argv, out, err);
        out.flush();
        System.exit(status);
    }

    /**
     * Runs one command; used by {@link #main} and by tests.
     *
     * @param argv command and flags
     * @param out standard output
     * @param err standard error
     * @return the exit status
     */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        Map<String, Command> byName = new LinkedHashMap<>();
        COMMANDS.forEach(c -> byName.put(c.name(), c));
        if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help") || argv[0].equals("-h")) {
            if (argv.length > 1 && byName.containsKey(argv[1])) {
                out.print(byName.get(argv[1]).usage());
                return 0;
            }
            out.println("usage: gemma <command> [flags]   (gemma help <command> for its flags)");
            out.println();
            byName.values().forEach(c -> out.printf("  %-12s %s%n", c.name(), c.summary()));
            return argv.length == 0 ? 2 : 0;
        }
        Command command = byName.get(argv[0]);
        if (command == null) {
            err.println("gemma: unknown command '" + argv[0] + "' (try: gemma help)");
            return 2;
        }
        try {
            Args args = new Args(command.name(), Arrays.copyOfRange(argv, 1, argv.length), command.valuedFlags(), command.switches());
            return command.run(args, out, err);
        } catch (CliException e) {
            err.println("gemma " + e.getMessage());
            return 2;
        } catch (GemmaException | IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            debug(e, err);
            err.println("gemma " + command.name() + ": " + e.getMessage());
            return 1;
        } catch (java.io.IOException e) {
            debug(e, err);
            err.println("gemma " + command.name() + ": I/O error: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            debug(e, err);
            err.println("gemma " + command.name() + ": " + e);
            return 1;
        }
    }

    private static void debug(Throwable e, PrintStream err) {
        if (System.getenv("GEMMA_DEBUG") != null) {
            e.printStackTrace(err);
        }
    }
}
