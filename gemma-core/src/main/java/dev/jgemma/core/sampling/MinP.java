package dev.jgemma.core.sampling;

/**
 * Min-p filtering (Nguyen et al. 2024): a token stays if its probability is at least {@code p}
 * times that of the most likely token, that is if its logit is at least
 * {@code maxLogit + ln(p)}. The most likely token always stays.
 */
final class MinP {
    private MinP() {
    }

    /**
     * @param c the candidates (scaled logits)
     * @param p in (0, 1)
     */
    static void apply(Candidates c, double p) {
        float max = c.maxLogit();
        float threshold = (float) (max + Math.log(p));
        c.keepAtLeast(Math.min(threshold, max));
    }
}
