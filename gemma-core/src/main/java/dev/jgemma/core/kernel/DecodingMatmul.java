package dev.jgemma.core.kernel;

import dev.jgemma.core.tensor.BlockFormat;
import dev.jgemma.core.tensor.Tensor;

/**
 * The generic path for every storage type: decode one weight row to f32 once, then take its dot
 * product with every vector of the batch. The row stays in L1 while the batch is swept, so each
 * weight block is decoded once per batch, not once per token.
 */
final class DecodingMatmul implements MatmulKernel {
    private final BlockFormat format;
    private final FloatOps ops;

    DecodingMatmul(BlockFormat format, FloatOps ops) {
        this.format = format;
        this.ops = ops;
    }

    @Override
    public void compute(Tensor w, float[] x, int batch, float[] out, int outStride, int rowStart, int rowEnd, float[] scratch) {
        int cols = Math.toIntExact(w.cols());
        long rowBytes = w.rowBytes();
        for (int r = rowStart; r < rowEnd; r++) {
            format.decode(w.data(), r * rowBytes, scratch, 0, cols);
            for (int b = 0; b < batch; b++) {
                out[b * outStride + r] = ops.dot(scratch, 0, x, b * cols, cols);
            }
        }
    }
}
