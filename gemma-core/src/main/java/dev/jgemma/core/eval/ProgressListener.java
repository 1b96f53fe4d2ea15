package dev.jgemma.core.eval;

/** Told after each evaluation window. */
@FunctionalInterface
public interface ProgressListener {
    /** Ignores progress. */
    ProgressListener NONE = (done, total, tokens) -> { };

    /**
     * @param windowsDone windows finished
     * @param windowsTotal windows in all
     * @param tokensScored tokens scored so far
     */
    void progress(int windowsDone, int windowsTotal, long tokensScored);
}
