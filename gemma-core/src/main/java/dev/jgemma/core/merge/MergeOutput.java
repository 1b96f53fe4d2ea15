package dev.jgemma.core.merge;

import dev.jgemma.core.tensor.TensorType;

/**
 * Where merged tensors go: declared up front, then filled in declaration order with f32 rows that
 * the output encodes to the declared type. Nothing is visible at the target until
 * {@link #commit()}; closing an uncommitted output removes everything it wrote.
 */
interface MergeOutput extends AutoCloseable {

    /** Declares the next tensor. */
    void declare(String name, TensorType type, long[] shape);

    /** Appends whole rows of the current tensor, which was declared with {@code type}. */
    void append(TensorType type, float[] values, int offset, int count);

    /** Completes the output and moves it into place. */
    void commit();

    @Override
    void close();
}
