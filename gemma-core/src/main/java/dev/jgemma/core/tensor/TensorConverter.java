package dev.jgemma.core.tensor;

import dev.jgemma.core.ModelFormatException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Converts the rows of a tensor from its stored type to another type, through f32: decode a row
 * with the source {@link BlockFormat}, check it, encode it with the target's. For quantized
 * targets the bytes are those of ggml's reference quantizer. Stateless; callers on several
 * threads pass their own scratch.
 */
public final class TensorConverter {
    private TensorConverter() {
    }

    /**
     * @param target a storage type
     * @return whether jgemma can write tensors of that type
     */
    public static boolean canWrite(TensorType target) {
        return BlockFormats.find(target).map(BlockFormat::canEncode).orElse(false);
    }

    /**
     * Converts rows {@code [fromRow, toRow)} of {@code src} and writes them to {@code dst}, row
     * {@code fromRow} at {@code dstOffset}.
     *
     * @param src the tensor; its rows must be a multiple of the target's block size
     * @param target the type to write; {@link #canWrite} must hold
     * @param fromRow first row, inclusive
     * @param toRow last row, exclusive
     * @param dst destination, at least {@code (toRow - fromRow) * target.bytesFor(cols)} bytes from {@code dstOffset}
     * @param dstOffset where row {@code fromRow} goes
     * @param scratch at least {@code src.cols()} floats
     * @throws ModelFormatException naming the source file, tensor and row if a value is NaN or
     *     infinite, or if an encoded block scale overflows
     */
    public static void convertRows(Tensor src, TensorType target, long fromRow, long toRow, MemorySegment dst, long dstOffset,
                                   float[] scratch) {
        int cols = Math.toIntExact(src.cols());
        BlockFormat out = BlockFormats.of(target);
        long rowBytes = target.bytesFor(cols);
        long blocksPerRow = cols / target.blockSize();
        for (long r = fromRow; r < toRow; r++) {
            src.decodeRow(r, scratch, 0);
            for (int i = 0; i < cols; i++) {
                if (!Float.isFinite(scratch[i])) {
                    throw ModelFormatException.of(Path.of(src.source()), "tensor '" + src.name() + "' holds " + scratch[i]
                            + " at row " + r + ", column " + i + ": cannot convert it to " + target);
                }
            }
            long at = dstOffset + (r - fromRow) * rowBytes;
            out.encode(scratch, 0, cols, dst, at);
            long bad = out.firstNonFiniteBlock(dst, at, blocksPerRow);
            if (bad >= 0) {
                throw ModelFormatException.of(Path.of(src.source()), "tensor '" + src.name() + "' row " + r
                        + " does not fit " + target + ": block " + bad + " would need a scale beyond the f16 range");
            }
        }
    }
}
