package dev.jgemma.core.sampling;

/** Top-k filtering: only the {@code k} most likely tokens stay in the running. */
final class TopK {
    private TopK() {
    }

    /**
     * @param c the candidates; afterwards the {@code k} best, most likely first
     * @param k tokens to keep, at least 1
     */
    static void apply(Candidates c, int k) {
        if (k < c.count()) {
            c.sortNext(0, k);
            c.truncate(k);
        }
    }
}
