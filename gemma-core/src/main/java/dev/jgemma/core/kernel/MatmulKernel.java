package dev.jgemma.core.kernel;

import dev.jgemma.core.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Matrix times a batch of vectors for one weight storage type: for each row {@code r} in
 * {@code [rowStart, rowEnd)} and each batch entry {@code b}, {@code out[b * outStride + r] =
 * dot(w[r, :], x[b * cols .. (b+1) * cols))}. Implementations are stateless; scratch comes from
 * the caller. {@link TiledMatmul} is the one implementation, for every storage type; what differs
 * between types is their {@link FormatKernel}.
 */
public interface MatmulKernel {

    /**
     * @param w the weight matrix, {@code [rows, cols]}
     * @param x the inputs, {@code batch} vectors of {@code cols}
     * @param staged the same inputs as little-endian floats, for a batch in a 64-byte-aligned segment
     * @param batch the number of input vectors
     * @param out the outputs
     * @param outStride distance between batch entries in {@code out} (usually {@code rows})
     * @param rowStart first row, inclusive
     * @param rowEnd last row, exclusive
     * @param scratch at least {@link #scratchSize(Tensor)} floats
     */
    void compute(Tensor w, float[] x, MemorySegment staged, int batch, float[] out, int outStride, int rowStart, int rowEnd, float[] scratch);

    /**
     * @param w a weight matrix
     * @return floats of scratch this kernel needs for {@code w}
     */
    default int scratchSize(Tensor w) {
        return Math.toIntExact(w.cols());
    }
}
