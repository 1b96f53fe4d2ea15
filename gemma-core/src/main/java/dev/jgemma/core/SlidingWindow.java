package dev.jgemma.core;

import java.util.Arrays;

/**
 * Which attention window each layer uses at inference time: the knob the Gemma-2 report turns
 * when it shows that "changing the sliding window size at inference has minimal effect on
 * perplexity". A window of {@code w} lets position {@code i} attend to position {@code j} iff
 * {@code 0 <= i - j < w}; a window of 0 means global (causal only) attention.
 *
 * <pre>{@code
 * Gemma2Model model = Gemma2Model.load(path, ModelOptions.defaults().slidingWindow(SlidingWindow.of(1024)));
 * }</pre>
 */
public sealed interface SlidingWindow {

    /**
     * Resolves the policy for a model.
     *
     * @param config the checkpoint's config
     * @return one window per layer, 0 for global attention
     */
    int[] resolve(Gemma2Config config);

    /** @return the checkpoint's own windows (Gemma-2: its window on even layers, global on odd) */
    static SlidingWindow checkpoint() {
        return Checkpoint.INSTANCE;
    }

    /**
     * @param size the window for the checkpoint's sliding layers; global layers stay global
     * @return the policy
     * @throws IllegalArgumentException if {@code size < 1}
     */
    static SlidingWindow of(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a sliding window must be at least 1 token, got " + size);
        }
        return new Resized(size);
    }

    /** @return a policy with every layer global */
    static SlidingWindow disabled() {
        return Disabled.INSTANCE;
    }

    /**
     * @param windows one window per layer, 0 for global
     * @return the policy; the model rejects it if the count differs from its layer count
     * @throws IllegalArgumentException if a window is negative
     */
    static SlidingWindow perLayer(int... windows) {
        for (int w : windows) {
            if (w < 0) {
                throw new IllegalArgumentException("per-layer windows must be >= 0 (0 = global), got " + Arrays.toString(windows));
            }
        }
        return new PerLayer(windows.clone());
    }

    /** The checkpoint's windows. */
    record Checkpoint() implements SlidingWindow {
        static final Checkpoint INSTANCE = new Checkpoint();

        @Override
        public int[] resolve(Gemma2Config config) {
            return config.layerWindows();
        }

        @Override
        public String toString() {
            return "checkpoint";
        }
    }

    /** Another size on the checkpoint's sliding layers. @param size the window */
    record Resized(int size) implements SlidingWindow {
        @Override
        public int[] resolve(Gemma2Config config) {
            int[] w = config.layerWindows();
            for (int i = 0; i < w.length; i++) {
                if (w[i] > 0) {
                    w[i] = size;
                }
            }
            return w;
        }

        @Override
        public String toString() {
            return Integer.toString(size);
        }
    }

    /** All layers global. */
    record Disabled() implements SlidingWindow {
        static final Disabled INSTANCE = new Disabled();

        @Override
        public int[] resolve(Gemma2Config config) {
            return new int[config.numLayers()];
        }

        @Override
        public String toString() {
            return "off";
        }
    }

    /** Explicit per-layer windows. @param windows one per layer, 0 = global */
    record PerLayer(int[] windows) implements SlidingWindow {
        @Override
        public int[] resolve(Gemma2Config config) {
            if (windows.length != config.numLayers()) {
                throw new IllegalArgumentException("per-layer sliding windows list " + windows.length + " layers but the model has "
                        + config.numLayers());
            }
            return windows.clone();
        }

        @Override
        public int[] windows() {
            return windows.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PerLayer p && Arrays.equals(p.windows, windows);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(windows);
        }

        @Override
        public String toString() {
            return Arrays.toString(windows);
        }
    }
}
