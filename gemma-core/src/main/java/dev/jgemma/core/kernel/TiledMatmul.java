package dev.jgemma.core.kernel;

import dev.jgemma.core.tensor.Tensor;

/**
 * The one matrix-product algorithm, for every storage type: {@value #ROWS} weight rows are
 * decoded to f32 (into L1/L2-resident scratch) by their {@link FormatKernel}, then multiplied with
 * the whole batch by the register-blocked {@link FloatOps#dotTile} micro-kernel. Each weight byte
 * is read from memory once per call and each weight block decoded once per batch, whatever the
 * batch size; a single vector (decode) gets four independent accumulator chains from the four
 * rows. Every output is summed in the same order whatever the batch, so prefilling a prompt and
 * feeding it token by token give the same numbers.
 */
final class TiledMatmul implements MatmulKernel {
    /** Rows decoded together: the height of the micro-kernel. */
    static final int ROWS = 4;

    private final FormatKernel format;
    private final FloatOps ops;

    TiledMatmul(FormatKernel format, FloatOps ops) {
        this.format = format;
        this.ops = ops;
    }

    @Override
    public void compute(Tensor w, float[] x, int batch, float[] out, int outStride, int rowStart, int rowEnd, float[] scratch) {
        int cols = Math.toIntExact(w.cols());
        long rowBytes = w.rowBytes();
        var data = w.data();
        for (int r0 = rowStart; r0 < rowEnd; r0 += ROWS) {
            int rows = Math.min(ROWS, rowEnd - r0);
            if (batch == 1 && rows == ROWS) {
                format.dot4(data, r0 * rowBytes, rowBytes, x, cols, out, r0, scratch, ops);
                continue;
            }
            for (int i = 0; i < rows; i++) {
                format.decode(data, (r0 + i) * rowBytes, scratch, i * cols, cols);
            }
            ops.dotTile(scratch, 0, cols, rows, x, 0, cols, batch, cols, out, r0, outStride);
        }
    }

    @Override
    public int scratchSize(Tensor w) {
        return ROWS * Math.toIntExact(w.cols());
    }
}
