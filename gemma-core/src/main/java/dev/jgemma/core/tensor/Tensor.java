package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A named, typed, read-only view of tensor data in memory (usually a memory-mapped file).
 * The shape is row-major, outermost dimension first, as in PyTorch; a matrix of shape
 * {@code [rows, cols]} stores each row's {@code cols} elements contiguously. Offsets are
 * {@code long}: single tensors can exceed 2 GiB.
 *
 * @param name the tensor's name in its file
 * @param type the storage type
 * @param shape the dimensions, outermost first
 * @param data exactly the tensor's bytes
 * @param source the file the tensor was read from, for error messages
 */
public record Tensor(String name, TensorType type, long[] shape, MemorySegment data, String source) {

    /** Validates that the data holds exactly the shape's elements. */
    public Tensor {
        shape = shape.clone();
        if (data.byteSize() != type.bytesFor(elementCount(shape))) {
            throw new IllegalArgumentException(source + ": tensor '" + name + "' has " + data.byteSize()
                    + " bytes but shape " + Arrays.toString(shape) + " of " + type + " needs "
                    + type.bytesFor(elementCount(shape)));
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** @return the number of dimensions */
    public int rank() {
        return shape.length;
    }

    /**
     * @param i dimension index, outermost first
     * @return the size of that dimension
     */
    public long dim(int i) {
        return shape[i];
    }

    /** @return the total number of elements */
    public long elementCount() {
        return elementCount(shape);
    }

    /** @return the elements in the innermost dimension (a matrix's row length) */
    public long cols() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** @return the number of rows: all elements divided by {@link #cols()} */
    public long rows() {
        long c = cols();
        return c == 0 ? 0 : elementCount() / c;
    }

    /** @return bytes per row */
    public long rowBytes() {
        return type.bytesFor(cols());
    }

    /**
     * Decodes one row to f32.
     *
     * @param row the row index
     * @param dst receives {@link #cols()} values
     * @param dstOffset where the first goes
     */
    public void decodeRow(long row, float[] dst, int dstOffset) {
        BlockFormats.of(type).decode(data, row * rowBytes(), dst, dstOffset, Math.toIntExact(cols()));
    }

    /** @return the whole tensor decoded to f32 (for small tensors such as norms) */
    public float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(elementCount())];
        BlockFormats.of(type).decode(data, 0, out, 0, out.length);
        return out;
    }

    /**
     * @param shape dimensions
     * @return their product
     * @throws ArithmeticException on overflow
     */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && t.name.equals(name) && t.type == type && Arrays.equals(t.shape, shape)
                && t.data.equals(data);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape);
    }
}
