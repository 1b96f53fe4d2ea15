package dev.jgemma.core.kernel;

import dev.jgemma.core.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * The one matrix-product algorithm, for every storage type. For a batch, {@value #BLOCK_ROWS}
 * weight rows at a time are decoded to f32 (into L2-resident scratch) by their
 * {@link FormatKernel}, then multiplied with the whole batch by the register-blocked
 * {@link FloatOps#dotTile} micro-kernel. Each weight byte is read from memory once per call and
 * each weight block decoded once per batch, whatever the batch size. A single vector (decode)
 * takes the fused {@link FormatKernel#dot4} path, {@value #ROWS} rows at a time: four independent
 * accumulator chains, nothing stored. Every output is summed in the same order whatever the batch, so prefilling a prompt and
 * feeding it token by token give the same numbers.
 */
final class TiledMatmul implements MatmulKernel {
    /** The height of the micro-kernel and of the fused decode step: rows are split among threads in multiples of it. */
    static final int ROWS = 4;
    /** Rows decoded together for a batch, which then passes over them panel by panel. */
    static final int BLOCK_ROWS = 32;

    private final FormatKernel format;
    private final FloatOps ops;

    TiledMatmul(FormatKernel format, FloatOps ops) {
        this.format = format;
        this.ops = ops;
    }

    @Override
    public void compute(Tensor w, float[] x, MemorySegment staged, int batch, float[] out, int outStride, int rowStart, int rowEnd, float[] scratch) {
        int cols = Math.toIntExact(w.cols());
        long rowBytes = w.rowBytes();
        var data = w.data();
        if (batch == 1) {
            int r0 = rowStart;
            for (; r0 + ROWS <= rowEnd; r0 += ROWS) {
                format.dot4(data, r0 * rowBytes, rowBytes, x, cols, out, r0, scratch, ops);
            }
            rowStart = r0;
        }
        for (int r0 = rowStart; r0 < rowEnd; r0 += BLOCK_ROWS) {
            int rows = Math.min(BLOCK_ROWS, rowEnd - r0);
            for (int i = 0; i < rows; i++) {
                format.decode(data, (r0 + i) * rowBytes, scratch, i * cols, cols);
            }
            int whole = rows - rows % ROWS;
            if (whole > 0) {
                ops.dotTile(scratch, 0, cols, whole, staged, 0, cols, batch, cols, out, r0, outStride);
            }
            if (whole < rows) {
                ops.dotTile(scratch, whole * cols, cols, rows - whole, staged, 0, cols, batch, cols, out, r0 + whole, outStride);
            }
        }
    }

    @Override
    public int scratchSize(Tensor w) {
        return Math.max(ROWS, BLOCK_ROWS) * Math.toIntExact(w.cols());
    }
}
