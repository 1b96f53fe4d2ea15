package dev.jgemma.examples.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr, drawn only when a terminal is attached (scripts and logs get
 * no control characters).
 */
final class ProgressBar {
    private final PrintStream err;
    private final String label;
    private final boolean enabled;
    private int lastPercent = -1;

    ProgressBar(PrintStream err, String label) {
        this.err = err;
        this.label = label;
        this.enabled = System.console() != null;
    }

    void update(long done, long total) {
        if (!enabled || total <= 0) {
            return;
        }
        int percent = (int) (100 * done / total);
        if (percent == lastPercent) {
            return;
        }
        lastPercent = percent;
        int width = 30;
        int filled = percent * width / 100;
        err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + percent + "% (" + done + "/" + total + ")");
        if (done >= total) {
            err.println();
        }
        err.flush();
    }
}
