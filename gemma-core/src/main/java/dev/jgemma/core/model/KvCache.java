package dev.jgemma.core.model;

import dev.jgemma.core.KvCacheType;
import dev.jgemma.core.tensor.BlockFormat;
import dev.jgemma.core.tensor.BlockFormats;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Keys and values of every position a sequence has seen, one {@link LayerKv} per layer. A layer
 * with a sliding window keeps only its window (plus one prefill batch) in a ring buffer, so its
 * memory is bounded at any context length; a global layer grows with the sequence. Storage is
 * allocated as the sequence grows (doubling, or at once for a whole prompt: {@link #reserve}), so
 * a short session holds a small cache. Keys and values are stored as f32 (exact) or encoded in a
 * smaller {@link KvCacheType}, decoded again when attended to.
 */
public final class KvCache {
    private final LayerKv[] layers;

    /**
     * @param windows per layer, the window or 0 for global
     * @param kvDim key/value width per position
     * @param maxContext the longest sequence
     * @param batch the largest number of positions written before they are attended to
     * @param type how keys and values are stored
     */
    public KvCache(int[] windows, int kvDim, int maxContext, int batch, KvCacheType type) {
        layers = new LayerKv[windows.length];
        for (int i = 0; i < windows.length; i++) {
            int w = windows[i];
            boolean ring = w > 0 && (long) w + batch < maxContext;
            layers[i] = new LayerKv(kvDim, ring ? w + batch : maxContext, ring, type);
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

    /**
     * Allocates, in one step per layer, the storage for positions below {@code positions} (a
     * prompt's length is known before its first batch runs): growing batch by batch would copy
     * each layer's arrays several times and leave the copies to the garbage collector, about as
     * many bytes again as the cache itself.
     *
     * @param positions the number of positions about to be held
     */
    public void reserve(int positions) {
        for (LayerKv l : layers) {
            l.ensure(positions);
        }
    }

    /** @return bytes of key/value storage currently allocated */
    public long allocatedBytes() {
        long n = 0;
        for (LayerKv l : layers) {
            n += 2L * l.type.bytesFor((long) l.allocatedSlots() * l.kvDim);
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

    /**
     * One layer's keys and values, position-major: {@code kvDim} values per position, as f32
     * arrays ({@link KvCacheType#F32}) or encoded rows of another type.
     */
    public static final class LayerKv {
        private static final int MIN_SLOTS = 64;

        private final int kvDim;
        private final int capacity;
        private final boolean ring;
        private final KvCacheType type;
        private final BlockFormat format;
        private final long rowBytes;
        private float[] keys;
        private float[] values;
        private byte[] encodedKeys;
        private byte[] encodedValues;

        LayerKv(int kvDim, int capacity, boolean ring, KvCacheType type) {
            this.kvDim = kvDim;
            this.capacity = capacity;
            this.ring = ring;
            this.type = type;
            this.format = BlockFormats.of(type.storage());
            this.rowBytes = type.bytesFor(kvDim);
            allocate(0); // storage comes with the first positions (see ensure)
        }

        private LayerKv(LayerKv o) {
            this.kvDim = o.kvDim;
            this.capacity = o.capacity;
            this.ring = o.ring;
            this.type = o.type;
            this.format = o.format;
            this.rowBytes = o.rowBytes;
            if (o.exact()) {
                this.keys = o.keys.clone();
                this.values = o.values.clone();
            } else {
                this.encodedKeys = o.encodedKeys.clone();
                this.encodedValues = o.encodedValues.clone();
            }
        }

        LayerKv copy() {
            return new LayerKv(this);
        }

        private void allocate(int slots) {
            if (exact()) {
                keys = keys == null ? new float[slots * kvDim] : Arrays.copyOf(keys, slots * kvDim);
                values = values == null ? new float[slots * kvDim] : Arrays.copyOf(values, slots * kvDim);
            } else {
                int bytes = Math.toIntExact(slots * rowBytes);
                encodedKeys = encodedKeys == null ? new byte[bytes] : Arrays.copyOf(encodedKeys, bytes);
                encodedValues = encodedValues == null ? new byte[bytes] : Arrays.copyOf(encodedValues, bytes);
            }
        }

        private int allocatedSlots() {
            return exact() ? keys.length / kvDim : (int) (encodedKeys.length / rowBytes);
        }

        /**
         * Makes room for positions below {@code positions}: storage grows by doubling (at least
         * {@value #MIN_SLOTS} slots) up to the capacity (a ring's slot {@code j % capacity} is
         * {@code j} until the ring is full).
         */
        void ensure(int positions) {
            int allocated = allocatedSlots();
            if (positions <= allocated || allocated == capacity) {
                return;
            }
            allocate(Math.min(capacity, Math.max(positions, Math.max(MIN_SLOTS, 2 * allocated))));
        }

        /** @return whether keys and values are held as f32 ({@link #keys()} and {@link #values()} are valid) */
        public boolean exact() {
            return type == KvCacheType.F32;
        }

        /**
         * @param position a sequence position
         * @return the float offset of its slot in {@link #keys()} and {@link #values()}
         */
        public int offset(int position) {
            return slot(position) * kvDim;
        }

        private int slot(int position) {
            return ring ? position % capacity : position;
        }

        /** @return floats per position */
        public int kvDim() {
            return kvDim;
        }

        /** @return positions the storage can hold: position {@code j} lives in slot {@code j % slots()} */
        public int slots() {
            return capacity;
        }

        /** @return the key storage (f32 caches only) */
        public float[] keys() {
            return keys;
        }

        /** @return the value storage (f32 caches only) */
        public float[] values() {
            return values;
        }

        /**
         * Decodes the keys and values of positions {@code first..last} (for encoded caches) into
         * rows of {@link #kvDim()} floats: position {@code first + i} goes to
         * {@code out[outOffset + i * kvDim ..]}.
         *
         * @param first first position
         * @param last last position, inclusive
         * @param keysOut receives the keys
         * @param valuesOut receives the values
         * @param outOffset where the first row goes
         */
        public void gather(int first, int last, float[] keysOut, float[] valuesOut, int outOffset) {
            MemorySegment k = MemorySegment.ofArray(encodedKeys);
            MemorySegment v = MemorySegment.ofArray(encodedValues);
            for (int j = first; j <= last; j++) {
                long at = slot(j) * rowBytes;
                int o = outOffset + (j - first) * kvDim;
                format.decode(k, at, keysOut, o, kvDim);
                format.decode(v, at, valuesOut, o, kvDim);
            }
        }

        void store(int position, float[] k, int kOffset, float[] v, int vOffset) {
            if (exact()) {
                int o = offset(position);
                System.arraycopy(k, kOffset, keys, o, kvDim);
                System.arraycopy(v, vOffset, values, o, kvDim);
            } else {
                long at = slot(position) * rowBytes;
                format.encode(k, kOffset, kvDim, MemorySegment.ofArray(encodedKeys), at);
                format.encode(v, vOffset, kvDim, MemorySegment.ofArray(encodedValues), at);
            }
        }
    }
}
