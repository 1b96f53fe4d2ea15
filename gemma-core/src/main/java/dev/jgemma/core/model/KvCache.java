package dev.jgemma.core.model;

import java.util.Arrays;

/**
 * Keys and values of every position a sequence has seen, one {@link LayerKv} per layer. A layer
 * with a sliding window keeps only its window (plus one prefill batch) in a ring buffer, so its
 * memory is bounded at any context length; a global layer grows with the sequence. Storage is
 * allocated as the sequence grows (doubling), so a short session holds a small cache.
 */
public final class KvCache {
    private final LayerKv[] layers;

    /**
     * @param windows per layer, the window or 0 for global
     * @param kvDim key/value width per position
     * @param maxContext the longest sequence
     * @param batch the largest number of positions written before they are attended to
     */
    public KvCache(int[] windows, int kvDim, int maxContext, int batch) {
        layers = new LayerKv[windows.length];
        for (int i = 0; i < windows.length; i++) {
            int w = windows[i];
            boolean ring = w > 0 && (long) w + batch < maxContext;
            layers[i] = new LayerKv(kvDim, ring ? w + batch : maxContext, ring);
        }
    }

    private KvCache(LayerKv[] layers) {
        this.layers = layers;
    }

    /**
     * @param layer a layer index
     * @return that layer's cache
     */
    public LayerKv layer(int layer) {
        return layers[layer];
    }

    /** @return a deep copy */
    public KvCache copy() {
        LayerKv[] c = new LayerKv[layers.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = layers[i].copy();
        }
        return new KvCache(c);
    }

    /** @return bytes of key/value storage currently allocated */
    public long allocatedBytes() {
        long n = 0;
        for (LayerKv l : layers) {
            n += 2L * Float.BYTES * l.keys.length;
        }
        return n;
    }

    /**
     * @param from the position to go back to
     * @param to the current position
     * @return whether every layer still holds what positions below {@code from} need
     *     (ring buffers may have overwritten it)
     */
    public boolean canRewind(int from, int to, int[] windows) {
        for (int i = 0; i < layers.length; i++) {
            LayerKv l = layers[i];
            if (l.ring && to - from > l.capacity - windows[i]) {
                return false;
            }
        }
        return true;
    }

    /** One layer's keys and values, position-major: {@code kvDim} floats per position. */
    public static final class LayerKv {
        private final int kvDim;
        private final int capacity;
        private final boolean ring;
        private float[] keys;
        private float[] values;

        LayerKv(int kvDim, int capacity, boolean ring) {
            this.kvDim = kvDim;
            this.capacity = capacity;
            this.ring = ring;
            int initial = Math.min(capacity, 256);
            this.keys = new float[initial * kvDim];
            this.values = new float[initial * kvDim];
        }

        private LayerKv(LayerKv o) {
            this.kvDim = o.kvDim;
            this.capacity = o.capacity;
            this.ring = o.ring;
            this.keys = o.keys.clone();
            this.values = o.values.clone();
        }

        LayerKv copy() {
            return new LayerKv(this);
        }

        /**
         * Makes room for positions below {@code positions}: storage grows by doubling up to the
         * capacity (a ring's slot {@code j % capacity} is {@code j} until the ring is full).
         */
        void ensure(int positions) {
            if (positions * (long) kvDim <= keys.length || keys.length == capacity * kvDim) {
                return;
            }
            int slots = Math.min(capacity, Math.max(positions, 2 * (keys.length / kvDim)));
            keys = Arrays.copyOf(keys, slots * kvDim);
            values = Arrays.copyOf(values, slots * kvDim);
        }

        /**
         * @param position a sequence position
         * @return the float offset of its slot in {@link #keys()} and {@link #values()}
         */
        public int offset(int position) {
            return (ring ? position % capacity : position) * kvDim;
        }

        /** @return floats per position */
        public int kvDim() {
            return kvDim;
        }

        /** @return positions the storage can hold: position {@code j} lives in slot {@code j % slots()} */
        public int slots() {
            return capacity;
        }

        /** @return the key storage */
        public float[] keys() {
            return keys;
        }

        /** @return the value storage */
        public float[] values() {
            return values;
        }

        void store(int position, float[] k, int kOffset, float[] v, int vOffset) {
            int o = offset(position);
            System.arraycopy(k, kOffset, keys, o, kvDim);
            System.arraycopy(v, vOffset, values, o, kvDim);
        }
    }
}
