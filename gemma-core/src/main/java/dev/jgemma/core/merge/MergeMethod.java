package dev.jgemma.core.merge;

import java.util.Arrays;

/** How {@link CheckpointMerge} combines corresponding tensors. */
public sealed interface MergeMethod {

    /**
     * @param weights one weight per input; they are normalised to sum to 1
     * @return the weighted average {@code sum(w_i * x_i) / sum(w_i)}
     */
    static MergeMethod linear(double... weights) {
        return new Linear(weights.clone());
    }

    /**
     * @param t the interpolation parameter: 0 gives the first input, 1 the second
     * @return spherical linear interpolation of two checkpoints, tensor by tensor
     */
    static MergeMethod slerp(double t) {
        return new Slerp(t);
    }

    /** Weighted average. @param weights one per input */
    record Linear(double[] weights) implements MergeMethod {
        /** Checks the weights. */
        public Linear {
            double sum = 0;
            for (double w : weights) {
                if (!Double.isFinite(w) || w < 0) {
                    throw new IllegalArgumentException("merge weights must be finite and >= 0, got " + Arrays.toString(weights));
                }
                sum += w;
            }
            if (weights.length > 0 && !(sum > 0)) {
                throw new IllegalArgumentException("merge weights must not all be 0");
            }
            weights = weights.clone();
        }

        @Override
        public double[] weights() {
            return weights.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Linear l && Arrays.equals(l.weights, weights);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(weights);
        }

        @Override
        public String toString() {
            return "linear" + Arrays.toString(weights);
        }
    }

    /** Spherical interpolation of two inputs. @param t 0 = first input, 1 = second */
    record Slerp(double t) implements MergeMethod {
        /** Checks t. */
        public Slerp {
            if (!(t >= 0 && t <= 1)) {
                throw new IllegalArgumentException("slerp t must be in [0, 1], got " + t);
            }
        }
    }
}
