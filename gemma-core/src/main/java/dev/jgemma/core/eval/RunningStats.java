package dev.jgemma.core.eval;

/** Mean and standard error of a stream of values (Welford's algorithm). */
final class RunningStats {
    private long n;
    private double mean;
    private double m2;

    void add(double x) {
        n++;
        double d = x - mean;
        mean += d / n;
        m2 += d * (x - mean);
    }

    long count() {
        return n;
    }

    double mean() {
        return mean;
    }

    double stdErr() {
        return n > 1 ? Math.sqrt(m2 / (n - 1) / n) : 0;
    }

    PerplexityResult toPerplexity(double tokensPerSecond) {
        double ppl = Math.exp(mean);
        return new PerplexityResult(n, mean, stdErr(), ppl, ppl * stdErr(), tokensPerSecond);
    }
}
