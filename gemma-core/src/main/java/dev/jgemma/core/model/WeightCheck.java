package dev.jgemma.core.model;

import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.format.TensorSource;
import dev.jgemma.core.kernel.ComputePool;
import dev.jgemma.core.tensor.BlockFormat;
import dev.jgemma.core.tensor.BlockFormats;
import dev.jgemma.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load-time scan for corrupted weights: a NaN or infinite block scale (or, in F32/F16/BF16
 * tensors, value) would make every logit NaN without any error, so each tensor's scale fields are
 * read once at load, in parallel. Quantized tensors cost a read of their f16 scales only (one
 * field per 18 to 210 bytes); plain tensors are read in full.
 */
public final class WeightCheck {
    private static final int ROWS_PER_CHUNK = 64;

    private WeightCheck() {
    }

    /**
     * @param source the tensors to scan (all of them, not only those the model uses)
     * @param pool the threads that scan
     * @throws ModelFormatException naming the file, tensor, type, row and block of the first bad
     *     scale found in the first corrupt tensor
     */
    public static void verify(TensorSource source, ComputePool pool) {
        for (Tensor t : source.tensors()) {
            BlockFormat format = BlockFormats.find(t.type()).orElse(null);
            if (format == null || t.elementCount() == 0) {
                continue; // unsupported types are rejected, by name, where a tensor is used
            }
            long blocksPerRow = t.cols() / t.type().blockSize();
            long rowBytes = t.rowBytes();
            AtomicLong firstBad = new AtomicLong(Long.MAX_VALUE);
            pool.parallelFor(Math.toIntExact(t.rows()), ROWS_PER_CHUNK, (from, to, worker) -> {
                long bad = format.firstNonFiniteBlock(t.data(), from * rowBytes, (to - from) * blocksPerRow);
                if (bad >= 0) {
                    firstBad.accumulateAndGet(from * blocksPerRow + bad, Math::min);
                }
            });
            long bad = firstBad.get();
            if (bad != Long.MAX_VALUE) {
                long row = bad / blocksPerRow;
                String where = t.type().blockSize() == 1
                        ? "a NaN or infinite value at row " + row + ", column " + bad % blocksPerRow
                        : "a NaN or infinite scale in block " + bad % blocksPerRow + " of row " + row;
                throw ModelFormatException.of(Path.of(t.source()), "tensor '" + t.name() + "' (" + t.type() + ") holds " + where
                        + ": the file is corrupt");
            }
        }
    }
}
