package dev.jgemma.core.kernel;

import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.format.TensorSource;
import dev.jgemma.core.tensor.BlockFormat;
import dev.jgemma.core.tensor.BlockFormats;
import dev.jgemma.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scan for corrupted weights: a NaN or infinite block scale (or, in F32/F16/BF16 tensors,
 * value) would make every logit NaN without any error. Quantized tensors cost a read of their f16
 * scales only (one field per 18 to 210 bytes); plain tensors are read in full. Used eagerly, over
 * a whole file at load ({@link #verify}), or row range by row range on a tensor's first use
 * ({@link Kernels#verifyOnFirstUse}).
 */
public final class WeightCheck {
    private static final int ROWS_PER_CHUNK = 64;

    private WeightCheck() {
    }

    /**
     * Scans every tensor of a source, in parallel.
     *
     * @param source the tensors to scan (all of them, not only those the model uses)
     * @param pool the threads that scan
     * @throws ModelFormatException naming the file, tensor, type, row and block of the first bad
     *     scale found in the first corrupt tensor
     */
    public static void verify(TensorSource source, ComputePool pool) {
        for (Tensor t : source.tensors()) {
            if (!checkable(t)) {
                continue; // unsupported types are rejected, by name, where a tensor is used
            }
            AtomicLong firstBad = new AtomicLong(Long.MAX_VALUE);
            pool.parallelFor(Math.toIntExact(t.rows()), ROWS_PER_CHUNK, (from, to, worker) -> {
                long bad = firstBadBlock(t, from, to);
                if (bad >= 0) {
                    firstBad.accumulateAndGet(bad, Math::min);
                }
            });
            if (firstBad.get() != Long.MAX_VALUE) {
                throw corrupt(t, firstBad.get());
            }
        }
    }

    /**
     * @param t a tensor
     * @return whether its type has a known block format (others cannot be checked, nor computed
     *     with) and it holds any data
     */
    static boolean checkable(Tensor t) {
        return BlockFormats.find(t.type()).isPresent() && t.elementCount() > 0;
    }

    /**
     * @param t a checkable tensor
     * @param rowFrom first row, inclusive
     * @param rowTo last row, exclusive
     * @return the index, counted from the tensor's first block, of the first block in those rows
     *     with a NaN or infinite scale (plain types: value), or -1 if there is none
     */
    static long firstBadBlock(Tensor t, long rowFrom, long rowTo) {
        BlockFormat format = BlockFormats.of(t.type());
        long blocksPerRow = t.cols() / t.type().blockSize();
        long bad = format.firstNonFiniteBlock(t.data(), rowFrom * t.rowBytes(), (rowTo - rowFrom) * blocksPerRow);
        return bad < 0 ? -1 : rowFrom * blocksPerRow + bad;
    }

    /**
     * @param t the corrupt tensor
     * @param block the index of its first bad block, counted from its first block
     * @return the error naming the file, tensor, type, row and block
     */
    static ModelFormatException corrupt(Tensor t, long block) {
        long blocksPerRow = t.cols() / t.type().blockSize();
        long row = block / blocksPerRow;
        String where = t.type().blockSize() == 1
                ? "a NaN or infinite value at row " + row + ", column " + block % blocksPerRow
                : "a NaN or infinite scale in block " + block % blocksPerRow + " of row " + row;
        return ModelFormatException.of(Path.of(t.source()), "tensor '" + t.name() + "' (" + t.type() + ") holds " + where
                + ": the file is corrupt");
    }
}
