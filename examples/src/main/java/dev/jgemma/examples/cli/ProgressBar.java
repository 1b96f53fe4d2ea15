package dev.jgemma.examples.cli;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar redrawn in place with carriage returns, at most every 100 ms (and on
 * completion). Meant for a terminal's stderr; callers decide whether one is attached.
 */
final class ProgressBar {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final LongSupplier nanoClock;
    private long lastDraw = Long.MIN_VALUE;
    private int lastLength;
    private boolean drawn;

    /**
     * @param out where the bar is drawn
     * @param nanoClock a monotonic clock in nanoseconds
     */
    ProgressBar(PrintStream out, LongSupplier nanoClock) {
        this.out = out;
        this.nanoClock = nanoClock;
    }

    /**
     * @param label what is being worked on
     * @param done units done
     * @param total units in all
     */
    void update(String label, long done, long total) {
        long now = nanoClock.getAsLong();
        if (done < total && drawn && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        drawn = true;
        double fraction = total <= 0 ? 1 : Math.min(1, Math.max(0, (double) done / total));
        int filled = (int) Math.round(fraction * WIDTH);
        String line = "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] "
                + String.format("%3d%% ", (int) Math.floor(fraction * 100)) + label;
        int pad = Math.max(0, lastLength - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastLength = line.length();
    }

    /** Ends the line if anything was drawn. */
    void finish() {
        if (drawn) {
            out.println();
            drawn = false;
        }
    }
}
