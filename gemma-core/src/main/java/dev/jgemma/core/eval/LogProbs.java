package dev.jgemma.core.eval;

/** Numerically stable log-probability helpers over one row of logits (computed in double). */
final class LogProbs {
    private LogProbs() {
    }

    /** @return log(sum(exp(logits))) */
    static double logSumExp(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    /** @return the negative log-likelihood of {@code token} under softmax(logits) */
    static double nll(float[] logits, int token) {
        return logSumExp(logits) - logits[token];
    }

    /**
     * @return KL(P || Q) where P = softmax(base) and Q = softmax(test), in nats
     */
    static double kl(float[] base, float[] test) {
        double lseP = logSumExp(base);
        double lseQ = logSumExp(test);
        double kl = 0;
        for (int i = 0; i < base.length; i++) {
            double logP = base[i] - lseP;
            double p = Math.exp(logP);
            if (p > 0) {
                kl += p * (logP - (test[i] - lseQ));
            }
        }
        return Math.max(0, kl);
    }

    /** @return the index of the largest value (first on ties) */
    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
