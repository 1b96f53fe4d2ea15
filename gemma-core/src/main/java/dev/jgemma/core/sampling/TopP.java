package dev.jgemma.core.sampling;

/**
 * Nucleus (top-p) filtering (Holtzman et al. 2020): the smallest set of most likely tokens whose
 * probabilities sum to at least {@code p} stays. The candidates are sorted lazily, a growing
 * block at a time, so a peaked distribution over 256000 tokens costs a linear pass and a small
 * sort instead of a full sort.
 */
final class TopP {
    private static final int FIRST_BLOCK = 64;

    private TopP() {
    }

    /**
     * @param c the candidates (scaled logits); afterwards the nucleus, most likely first
     * @param p in (0, 1)
     */
    static void apply(Candidates c, double p) {
        float max = c.maxLogit();
        double total = 0;
        for (int i = 0; i < c.count(); i++) {
            total += Math.exp(c.logit(i) - max);
        }
        double target = p * total;
        double cumulative = 0;
        int sorted = 0;
        int block = FIRST_BLOCK;
        while (sorted < c.count()) {
            int n = c.sortNext(sorted, block);
            for (int i = sorted; i < sorted + n; i++) {
                cumulative += Math.exp(c.logit(i) - max);
                if (cumulative >= target) {
                    c.truncate(i + 1);
                    return;
                }
            }
            sorted += n;
            block *= 4;
        }
    }
}
