package dev.jgemma.examples.cli;

import java.io.PrintStream;
import java.util.Set;

/** One {@code gemma} subcommand. Implementations are small classes, one per command. */
interface Command {
    /** @return the name typed after {@code gemma} */
    String name();

    /** @return one line for {@code gemma help} */
    String summary();

    /** @return the usage text for {@code gemma help <name>} */
    String usage();

    /** @return flags that take a value */
    Set<String> valuedFlags();

    /** @return flags that take no value */
    default Set<String> switches() {
        return Set.of();
    }

    /**
     * @param args the parsed flags
     * @param out standard output
     * @param err standard error
     * @return the exit status
     * @throws Exception anything; the launcher turns it into a one-line message
     */
    int run(Args args, PrintStream out, PrintStream err) throws Exception;
}
