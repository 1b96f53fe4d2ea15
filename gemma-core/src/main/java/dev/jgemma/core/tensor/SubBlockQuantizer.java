package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The shared part of ggml's reference Q4_K and Q5_K quantizers ({@code quantize_row_q4_K_ref},
 * {@code quantize_row_q5_K_ref}): eight sub-blocks of 32 get an asymmetric scale and minimum from
 * {@link KQuantSearch#qkx2}; those are quantized to 6 bits against the f16 super-block scales
 * {@code d} and {@code dmin}; finally every value is re-quantized against the scales as stored.
 * One instance per thread: it holds scratch buffers.
 */
final class SubBlockQuantizer {
    private static final int SUB = 32;
    private static final int SUBS = 8;

    private final int nmax;
    private final float rmin;
    private final float rdelta;
    private final int nstep;
    final int[] levels = new int[SUB * SUBS];
    private final int[] aux = new int[SUB];
    private final float[] weights = new float[SUB];
    private final float[] scales = new float[SUBS];
    private final float[] mins = new float[SUBS];
    private final float[] minOut = new float[1];
    private final int[] packed = new int[12];
    private final byte[] packedBytes = new byte[12];
    private float maxScale;
    private float maxMin;

    SubBlockQuantizer(int nmax, float rmin, float rdelta, int nstep) {
        this.nmax = nmax;
        this.rmin = rmin;
        this.rdelta = rdelta;
        this.nstep = nstep;
    }

    /** Quantizes the 256 values at {@code x[off..]} into {@link #levels} and the packed scales. */
    void quantize(float[] x, int off) {
        maxScale = 0;
        maxMin = 0;
        for (int j = 0; j < SUBS; j++) {
            int s = off + SUB * j;
            float sumX2 = 0;
            for (int l = 0; l < SUB; l++) {
                sumX2 += x[s + l] * x[s + l];
            }
            float avX = (float) Math.sqrt(sumX2 / SUB);
            for (int l = 0; l < SUB; l++) {
                weights[l] = avX + Math.abs(x[s + l]);
            }
            scales[j] = KQuantSearch.qkx2(SUB, nmax, x, s, weights, levels, SUB * j, aux, rmin, rdelta, nstep, false, minOut);
            mins[j] = minOut[0];
            if (scales[j] > maxScale) {
                maxScale = scales[j];
            }
            if (mins[j] > maxMin) {
                maxMin = mins[j];
            }
        }
        float invScale = maxScale > 0 ? 63f / maxScale : 0f;
        float invMin = maxMin > 0 ? 63f / maxMin : 0f;
        for (int j = 0; j < SUBS; j++) {
            int ls = Math.min(63, Blocks.nearestInt(invScale * scales[j]) & 0xff);
            int lm = Math.min(63, Blocks.nearestInt(invMin * mins[j]) & 0xff);
            if (j < 4) {
                packed[j] = ls;
                packed[j + 4] = lm;
            } else {
                packed[j + 4] = (ls & 0xf) | ((lm & 0xf) << 4);
                packed[j - 4] |= (ls >>> 4) << 6;
                packed[j] |= (lm >>> 4) << 6;
            }
        }
        float d = Blocks.roundF16(maxScale / 63f);
        float dmin = Blocks.roundF16(maxMin / 63f);
        for (int i = 0; i < 12; i++) {
            packedBytes[i] = (byte) packed[i];
        }
        for (int j = 0; j < SUBS; j++) {
            int sm = Blocks.scaleMinK4(j, packedBytes, 0);
            float dl = d * (sm & 0xff);
            if (dl == 0f) {
                continue;
            }
            float dm = dmin * (sm >>> 8);
            for (int i = 0; i < SUB; i++) {
                int l = Blocks.nearestInt((x[off + SUB * j + i] + dm) / dl);
                levels[SUB * j + i] = Math.max(0, Math.min(nmax, l));
            }
        }
    }

    /** Writes f16 {@code d} and {@code dmin} at {@code dPos} and the 12 packed scale bytes at {@code scalesPos}. */
    void writeScales(MemorySegment dst, long dPos, long scalesPos) {
        Blocks.putF16(dst, dPos, maxScale / 63f);
        Blocks.putF16(dst, dPos + 2, maxMin / 63f);
        for (int i = 0; i < 12; i++) {
            dst.set(ValueLayout.JAVA_BYTE, scalesPos + i, (byte) packed[i]);
        }
    }
}
