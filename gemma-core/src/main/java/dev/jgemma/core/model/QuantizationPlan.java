package dev.jgemma.core.model;

import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.Quantization;
import dev.jgemma.core.tensor.TensorType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Chooses each tensor's storage type for a {@link Quantization}, as llama.cpp's
 * {@code llama_tensor_get_type} (c392e50) does for Gemma-2: only 2-D tensors are quantized; the
 * token embedding, which Gemma-2 ties to the output projection, gets the output tensor's type;
 * Q4_K_M gives {@code attn_v} and {@code ffn_down} Q6_K where {@code use_more_bits} says so; and a
 * type whose block size does not divide the rows falls back. Decisions depend on a tensor's
 * role, layer and shape only, never on a particular model size.
 *
 * @param quantization the scheme
 * @param names how the source file names its tensors
 * @param numLayers the model's layer count (Q4_K_M picks layers relative to it)
 */
public record QuantizationPlan(Quantization quantization, TensorNames names, int numLayers) {

    /**
     * @param file the source, for error messages
     * @param name the tensor's name in the source
     * @param shape its shape, outermost first
     * @return the type to store it in, or empty to keep it as stored (norms and other 1-D tensors)
     * @throws ModelFormatException if no type of the scheme fits the tensor's rows
     */
    public Optional<TensorType> typeFor(Path file, String name, long[] shape) {
        if (shape.length < 2 || !name.endsWith("weight") || name.contains("_norm.weight")) {
            return Optional.empty();
        }
        Optional<TensorRole.Match> match = TensorRole.of(name, names);
        if (match.isPresent() && match.get().role().isNorm()) {
            return Optional.empty();
        }
        long cols = shape[shape.length - 1];
        TensorType base = quantization.baseType();
        TensorType type = base;
        TensorRole role = match.map(TensorRole.Match::role).orElse(null);
        int layer = match.map(TensorRole.Match::layer).orElse(-1);
        if (role == TensorRole.EMBEDDING && quantization != Quantization.Q4_K) {
            // llama.cpp: the output tensor (here the tied embedding), unless --pure.
            if (cols % base.blockSize() != 0) {
                type = TensorType.Q8_0;
            } else if (base != TensorType.Q8_0) {
                type = TensorType.Q6_K;
            }
        } else if (quantization == Quantization.Q4_K_M && (role == TensorRole.VALUE || role == TensorRole.DOWN)
                && useMoreBits(layer, numLayers)) {
            type = TensorType.Q6_K;
        }
        if (cols % type.blockSize() != 0) {
            TensorType fallback = switch (type) {
                case Q4_K -> TensorType.Q5_0;
                case Q6_K -> TensorType.Q8_0;
                default -> throw ModelFormatException.of(file, "tensor '" + name + "' has rows of " + cols + " elements, "
                        + "which " + type + " (block size " + type.blockSize() + ") cannot store: " + quantization.id()
                        + " needs rows that are a multiple of " + type.blockSize() + " " + Arrays.toString(shape));
            };
            type = cols % fallback.blockSize() == 0 ? fallback : TensorType.F16;
        }
        return Optional.of(type);
    }

    /** llama.cpp's {@code use_more_bits}: the first and last eighth of the layers and every third in between. */
    static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }
}
