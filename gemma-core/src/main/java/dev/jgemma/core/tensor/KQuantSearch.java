package dev.jgemma.core.tensor;

/**
 * The scale searches of ggml's reference K-quant quantizers ({@code make_qkx2_quants} and
 * {@code make_qx_quants} in ggml-quants.c), reproduced operation for operation in f32 so that the
 * encoded bytes are identical to {@code llama-quantize}'s. Every expression keeps ggml's order of
 * evaluation: reordering a single sum would change the rounding.
 */
final class KQuantSearch {
    private KQuantSearch() {
    }

    /**
     * Finds an asymmetric scale and minimum for {@code n} values: {@code x ~ scale * L - min}.
     *
     * @param n values
     * @param nmax largest level
     * @param x values
     * @param xOff first value
     * @param weights per-value weights
     * @param levels receives the levels {@code 0..nmax} at {@code levelOff}
     * @param levelOff first level written
     * @param aux scratch of at least {@code n}
     * @param rmin first step of the search
     * @param rdelta search step
     * @param nstep number of steps
     * @param useMad minimise absolute instead of squared error
     * @param minOut receives the minimum (stored positive) at index 0
     * @return the scale
     */
    static float qkx2(int n, int nmax, float[] x, int xOff, float[] weights, int[] levels, int levelOff, int[] aux,
                      float rmin, float rdelta, int nstep, boolean useMad, float[] minOut) {
        float min = x[xOff];
        float max = x[xOff];
        float sumW = weights[0];
        float sumX = sumW * x[xOff];
        for (int i = 1; i < n; i++) {
            float v = x[xOff + i];
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
            float w = weights[i];
            sumW += w;
            sumX += w * v;
        }
        if (min > 0) {
            min = 0;
        }
        if (max == min) {
            for (int i = 0; i < n; i++) {
                levels[levelOff + i] = 0;
            }
            minOut[0] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestMad = 0;
        for (int i = 0; i < n; i++) {
            int l = Blocks.nearestInt(iscale * (x[xOff + i] - min));
            levels[levelOff + i] = Math.max(0, Math.min(nmax, l));
            float diff = scale * levels[levelOff + i] + min - x[xOff + i];
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestMad += weights[i] * diff;
        }
        if (nstep < 1) {
            minOut[0] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = Blocks.nearestInt(iscale * (x[xOff + i] - min));
                l = Math.max(0, Math.min(nmax, l));
                aux[i] = l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * x[xOff + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float mad = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * aux[i] + thisMin - x[xOff + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    mad += weights[i] * diff;
                }
                if (mad < bestMad) {
                    System.arraycopy(aux, 0, levels, levelOff, n);
                    bestMad = mad;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        minOut[0] = -min;
        return scale;
    }

    /**
     * Finds a symmetric scale for {@code n} values ({@code make_qx_quants} with
     * {@code rmse_type = 1}, no importance weights): {@code x ~ scale * (L - nmax)}.
     *
     * @param n values
     * @param nmax levels run from {@code -nmax} to {@code nmax - 1}, stored offset by {@code nmax}
     * @param x values
     * @param xOff first value
     * @param levels receives the offset levels at {@code levelOff}
     * @param levelOff first level written
     * @return the scale (negative when the largest-magnitude value is positive, as in ggml)
     */
    static float qx(int n, int nmax, float[] x, int xOff, int[] levels, int levelOff) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xOff + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOff + i];
            }
        }
        if (amax < Blocks.GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) {
                levels[levelOff + i] = 0;
            }
            return 0f;
        }
        float iscale = -nmax / max;
        float sumLX = 0;
        float sumL2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            int l = Blocks.nearestInt(iscale * v);
            l = Math.max(-nmax, Math.min(nmax - 1, l));
            levels[levelOff + i] = l + nmax;
            float w = v * v;
            sumLX += w * v * l;
            sumL2 += w * l * l;
        }
        float scale = sumL2 != 0 ? sumLX / sumL2 : 0f;
        float best = scale * sumLX;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * is) / max;
            sumLX = 0;
            sumL2 = 0;
            for (int i = 0; i < n; i++) {
                float v = x[xOff + i];
                int l = Blocks.nearestInt(iscale * v);
                l = Math.max(-nmax, Math.min(nmax - 1, l));
                float w = v * v;
                sumLX += w * v * l;
                sumL2 += w * l * l;
            }
            if (sumL2 > 0 && sumLX * sumLX > best * sumL2) {
                for (int i = 0; i < n; i++) {
                    int l = Blocks.nearestInt(iscale * x[xOff + i]);
                    levels[levelOff + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, l));
                }
                scale = sumLX / sumL2;
                best = scale * sumLX;
            }
        }
        return scale;
    }
}
