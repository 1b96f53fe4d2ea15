package dev.jgemma.core.format;

import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;

/**
 * A set of named tensors backed by one or more memory-mapped files: a GGUF file, a safetensors
 * file or a sharded safetensors checkpoint. Closing it unmaps the files; tensors obtained from
 * it must not be used afterwards.
 */
public interface TensorSource extends AutoCloseable {

    /** @return the file or folder the tensors come from */
    Path path();

    /** @return every tensor, in file order */
    Collection<Tensor> tensors();

    /**
     * @param name a tensor name
     * @return the tensor, or empty if there is none of that name
     */
    Optional<Tensor> find(String name);

    /**
     * @param name a tensor name
     * @return the tensor
     * @throws ModelFormatException naming the file and the tensor if it is missing
     */
    default Tensor get(String name) {
        return find(name).orElseThrow(() -> ModelFormatException.of(path(), "missing tensor '" + name + "'"));
    }

    /** @return the total bytes of tensor data mapped */
    default long mappedBytes() {
        long n = 0;
        for (Tensor t : tensors()) {
            n += t.data().byteSize();
        }
        return n;
    }

    /** Unmaps the files. */
    @Override
    void close();
}
