package dev.jgemma.core.model;

import dev.jgemma.core.Gemma2Config;
import dev.jgemma.core.KvCacheType;
import dev.jgemma.core.kernel.Attention;
import dev.jgemma.core.kernel.FloatOps;
import dev.jgemma.core.kernel.Kernels;

/**
 * The Gemma-2 forward pass over a batch of consecutive positions, top to bottom as in the paper.
 * Stateless: per-sequence buffers and the KV cache live in a {@link State}. Every quirk of the
 * architecture comes from {@link Gemma2Config} fields and the per-layer windows.
 */
public final class ForwardPass {
    private final Gemma2Config c;
    private final Gemma2Weights w;
    private final Kernels k;
    private final FloatOps ops;
    private final int[] windows;
    private final int batch;
    private final int maxContext;
    private final float[] ropeFrequencies;
    private final ThreadLocal<float[]> scores;
    private final KvCacheType kvType;
    private final Attention attention;

    /**
     * @param config the model config
     * @param weights the weights
     * @param kernels the kernels to compute with
     * @param windows per layer, the attention window or 0 for global
     * @param batch the most positions one call processes
     * @param maxContext the longest sequence
     * @param kvType how the KV cache stores keys and values
     * @throws IllegalArgumentException if the cache type cannot store this model's heads
     */
    public ForwardPass(Gemma2Config config, Gemma2Weights weights, Kernels kernels, int[] windows, int batch, int maxContext,
                       KvCacheType kvType) {
        if (config.headDim() % kvType.storage().blockSize() != 0) {
            throw new IllegalArgumentException("a " + kvType + " KV cache stores blocks of " + kvType.storage().blockSize()
                    + " values along the head dimension, but this model's head_dim is " + config.headDim());
        }
        this.c = config;
        this.w = weights;
        this.k = kernels;
        this.ops = kernels.ops();
        this.windows = windows.clone();
        this.batch = batch;
        this.maxContext = maxContext;
        int half = config.headDim() / 2;
        this.ropeFrequencies = new float[half];
        for (int i = 0; i < half; i++) {
            // As the reference: 1 / theta^(2i / d), in f32.
            float exponent = (float) (2 * i) / config.headDim();
            ropeFrequencies[i] = (float) (1.0 / (float) Math.pow(config.ropeTheta(), exponent));
        }
        this.scores = ThreadLocal.withInitial(() -> new float[maxContext]);
        this.kvType = kvType;
        this.attention = new Attention(ops);
    }

    /** @return the per-layer windows in force */
    public int[] windows() {
        return windows.clone();
    }

    /** @return the most positions one {@link #forward} call processes */
    public int batch() {
        return batch;
    }

    /** @return the longest sequence */
    public int maxContext() {
        return maxContext;
    }

    /** @return fresh buffers and an empty KV cache for one sequence */
    public State newState() {
        return new State(c, new KvCache(windows, c.kvDim(), maxContext, batch, kvType));
    }

    /**
     * Runs {@code n <= batch} tokens at positions {@code position .. position + n - 1}, appending
     * their keys and values to the cache.
     *
     * @param s the sequence's state
     * @param tokens token ids (already validated)
     * @param offset index of the first token in {@code tokens}
     * @param n how many tokens
     * @param position the position of the first token (= tokens already in the cache)
     * @param logitsFrom the first row (0-based within the batch) whose logits are wanted;
     *     {@code n} for none
     * @param logits receives {@code (n - logitsFrom)} rows of {@code vocab} soft-capped logits
     */
    public void forward(State s, int[] tokens, int offset, int n, int position, int logitsFrom, float[] logits) {
        int h = c.hiddenSize();
        int hd = c.headDim();
        s.reserve(n);
        float[] x = s.x;

        // Embedding lookup, scaled by sqrt(hidden) in f32.
        float scale = c.embeddingScale();
        for (int t = 0; t < n; t++) {
            k.decodeRow(w.embedding(), tokens[offset + t], x, t * h);
            for (int i = 0; i < h; i++) {
                x[t * h + i] *= scale;
            }
        }
        ropeTables(s, n, position);

        for (int l = 0; l < c.numLayers(); l++) {
            LayerWeights lw = w.layers()[l];
            KvCache.LayerKv kv = s.cache.layer(l);
            kv.ensure(position + n);

            // Attention block: pre-norm, q/k/v, RoPE, cache, attention, output, post-norm, residual.
            rmsNorm(x, s.xb, lw.attnNorm(), n);
            k.matmul(lw.query(), s.xb, n, s.q);
            k.matmul(lw.key(), s.xb, n, s.k);
            k.matmul(lw.value(), s.xb, n, s.v);
            for (int t = 0; t < n; t++) {
                for (int head = 0; head < c.numHeads(); head++) {
                    rope(s, t, s.q, (t * c.numHeads() + head) * hd);
                }
                for (int head = 0; head < c.numKvHeads(); head++) {
                    rope(s, t, s.k, (t * c.numKvHeads() + head) * hd);
                }
                kv.store(position + t, s.k, t * c.kvDim(), s.v, t * c.kvDim());
            }
            attention(s, kv, windows[l], n, position);
            k.matmul(lw.attnOutput(), s.att, n, s.xb);
            rmsNorm(s.xb, s.xb, lw.postAttnNorm(), n);
            add(x, s.xb, n * h);

            // Feed-forward block: pre-norm, GeGLU (tanh GELU), down, post-norm, residual.
            rmsNorm(x, s.xb, lw.preFfnNorm(), n);
            k.matmul(lw.gate(), s.xb, n, s.gate);
            k.matmul(lw.up(), s.xb, n, s.up);
            ops.geglu(s.gate, s.up, 0, n * c.intermediateSize());
            k.matmul(lw.down(), s.gate, n, s.xb);
            rmsNorm(s.xb, s.xb, lw.postFfnNorm(), n);
            add(x, s.xb, n * h);
        }

        // Final norm and tied output projection, only for the rows whose logits are wanted.
        int rows = n - logitsFrom;
        if (rows > 0) {
            float[] normed = s.xb;
            for (int r = 0; r < rows; r++) {
                rmsNormRow(x, (logitsFrom + r) * h, normed, r * h, w.finalNorm());
            }
            k.matmul(w.embedding(), normed, rows, logits);
            if (c.finalSoftcap() > 0) {
                ops.softcap(logits, 0, rows * c.vocabSize(), c.finalSoftcap());
            }
        }
    }

    private void ropeTables(State s, int n, int position) {
        int half = c.headDim() / 2;
        for (int t = 0; t < n; t++) {
            float pos = position + t;
            for (int i = 0; i < half; i++) {
                float angle = pos * ropeFrequencies[i];
                s.cos[t * half + i] = (float) Math.cos(angle);
                s.sin[t * half + i] = (float) Math.sin(angle);
            }
        }
    }

    /** RoPE on half-split pairs: element i rotates with element i + headDim/2. */
    private void rope(State s, int t, float[] v, int offset) {
        int half = c.headDim() / 2;
        ops.rope(v, offset, s.cos, s.sin, t * half, half);
    }

    /**
     * Scaled dot-product attention of each new position over the cached ones it may see:
     * position i sees j iff j <= i and (window == 0 or i - j < window). Logits are soft-capped
     * before the softmax. Heads share key/value heads in groups (GQA).
     */
    private void attention(State s, KvCache.LayerKv kv, int window, int n, int position) {
        int hd = c.headDim();
        int heads = c.numHeads();
        int group = heads / c.numKvHeads();
        float qScale = c.queryScale();
        float cap = c.attnSoftcap();
        // An encoded cache is decoded once per batch: every key/value head over the positions any
        // new position of the batch attends to, shared by all the batch's queries of that head.
        boolean exact = kv.exact();
        int firstSeen = window > 0 ? Math.max(0, position - window + 1) : 0;
        float[][] decoded = exact ? null : decodeKv(s, kv, firstSeen, position + n - 1);
        float[] keys = exact ? kv.keys() : decoded[0];
        float[] values = exact ? kv.values() : decoded[1];
        int stride = kv.kvDim();
        int slots = exact ? kv.slots() : Integer.MAX_VALUE;
        int base = exact ? 0 : firstSeen;
        k.pool().parallelFor(n * heads, 1, (from, to, worker) -> {
            float[] sc = scores.get();
            for (int task = from; task < to; task++) {
                int t = task / heads;
                int head = task % heads;
                int last = position + t;
                int first = window > 0 ? Math.max(0, last - window + 1) : 0;
                int qOff = (t * heads + head) * hd;
                attention.attend(s.q, qOff, keys, values, stride, (head / group) * hd, slots, first - base, last - base, qScale,
                        cap, hd, sc, s.att, qOff);
            }
        });
    }

    /**
     * Decodes positions {@code first..last} of an encoded cache into f32 rows laid out as an
     * exact cache's (all key/value heads of a position together), in parallel over positions.
     */
    private float[][] decodeKv(State s, KvCache.LayerKv kv, int first, int last) {
        int kvDim = kv.kvDim();
        int need = (last - first + 1) * kvDim;
        float[][] rows = s.decodedKv;
        if (rows[0].length < need) {
            int grown = Math.max(need, Math.min(2 * rows[0].length, maxContext * kvDim));
            rows[0] = new float[grown];
            rows[1] = new float[grown];
        }
        k.pool().parallelFor(last - first + 1, 16, (from, to, worker) -> kv.gather(first + from, first + to - 1, rows[0], rows[1],
                from * kvDim));
        return rows;
    }

    private void rmsNorm(float[] in, float[] out, float[] weight, int n) {
        int h = c.hiddenSize();
        for (int t = 0; t < n; t++) {
            rmsNormRow(in, t * h, out, t * h, weight);
        }
    }

    private void rmsNormRow(float[] in, int inOff, float[] out, int outOff, float[] weight) {
        ops.rmsNorm(in, inOff, out, outOff, weight, c.hiddenSize(), c.rmsNormEps());
    }

    private static void add(float[] acc, float[] delta, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] += delta[i];
        }
    }

    /**
     * One sequence's working buffers and KV cache. Not thread-safe. The buffers grow to the largest
     * number of positions one {@link #forward} call has processed (a session that only ever sees
     * short prompts never holds a full batch's worth).
     */
    public static final class State {
        /** An encoded cache's attended positions decoded to f32 (keys, values), reused batch to batch. */
        final float[][] decodedKv = {new float[0], new float[0]};
        private final Gemma2Config c;
        private int capacity;
        float[] x;
        float[] xb;
        float[] q;
        float[] k;
        float[] v;
        float[] att;
        float[] gate;
        float[] up;
        float[] cos;
        float[] sin;
        final KvCache cache;

        State(Gemma2Config c, KvCache cache) {
            this.c = c;
            this.cache = cache;
            reserve(1);
        }

        private State(State o, KvCache cache) {
            this.c = o.c;
            this.capacity = o.capacity;
            this.x = o.x.clone();
            this.xb = o.xb.clone();
            this.q = o.q.clone();
            this.k = o.k.clone();
            this.v = o.v.clone();
            this.att = o.att.clone();
            this.gate = o.gate.clone();
            this.up = o.up.clone();
            this.cos = o.cos.clone();
            this.sin = o.sin.clone();
            this.cache = cache;
        }

        /** Makes the buffers hold {@code n} positions; their contents do not outlive a forward call. */
        void reserve(int n) {
            if (n <= capacity) {
                return;
            }
            int h = Math.max(c.hiddenSize(), c.queryDim());
            this.x = new float[n * c.hiddenSize()];
            this.xb = new float[n * h];
            this.q = new float[n * c.queryDim()];
            this.k = new float[n * c.kvDim()];
            this.v = new float[n * c.kvDim()];
            this.att = new float[n * c.queryDim()];
            this.gate = new float[n * c.intermediateSize()];
            this.up = new float[n * c.intermediateSize()];
            this.cos = new float[n * c.headDim() / 2];
            this.sin = new float[n * c.headDim() / 2];
            this.capacity = n;
        }

        /** @return an independent copy (buffers and cache) */
        public State copy() {
            return new State(this, cache.copy());
        }

        /** @return the KV cache */
        public KvCache cache() {
            return cache;
        }
    }
}
