package dev.jgemma.core;

import dev.jgemma.core.tensor.TensorType;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A weight quantization scheme: which storage type each matrix gets, with the per-tensor choices
 * of llama.cpp's {@code llama-quantize} (c392e50, {@code llama_tensor_get_type}), so that a file
 * jgemma writes holds the same tensors, byte for byte, as llama-quantize's output from the same
 * weights. Norms and other 1-D tensors always stay as they are (F32 in GGUF files).
 *
 * <p>Where a matrix's rows are not a multiple of the type's block size, the type falls back as
 * llama.cpp's does: Q4_K to Q5_0, Q6_K to Q8_0, and to F16 if even that does not fit. Q8_0 and
 * Q4_0 have no fallback (llama-quantize aborts): such a matrix is an error.
 *
 * <pre>{@code
 * Gemma2Model model = Gemma2Model.load(Path.of("gemma-2-2b-it"),            // HF bf16 folder
 *         ModelOptions.defaults().quantizeTo(Quantization.Q4_0));            // held as Q4_0
 * }</pre>
 */
public enum Quantization {
    /** Every matrix Q8_0, the token embedding included ({@code llama-quantize Q8_0}). */
    Q8_0("q8_0", TensorType.Q8_0, 7),
    /**
     * Matrices Q4_0; the token embedding (tied to the output projection) Q6_K, or Q8_0 when the
     * hidden size is not a multiple of 256 ({@code llama-quantize Q4_0}).
     */
    Q4_0("q4_0", TensorType.Q4_0, 2),
    /** Every matrix Q4_K, the token embedding included ({@code llama-quantize --pure Q4_K}). */
    Q4_K("q4_k", TensorType.Q4_K, 15),
    /** Every matrix Q6_K ({@code llama-quantize Q6_K}). */
    Q6_K("q6_k", TensorType.Q6_K, 18),
    /**
     * llama.cpp's Q4_K_M mixture: Q4_K, except Q6_K for the token embedding and for
     * {@code attn_v} and {@code ffn_down} of the first and last eighth of the layers and every
     * third layer in between ({@code llama-quantize Q4_K_M}).
     */
    Q4_K_M("q4_k_m", TensorType.Q4_K, 15);

    private final String id;
    private final TensorType baseType;
    private final int fileType;

    Quantization(String id, TensorType baseType, int fileType) {
        this.id = id;
        this.baseType = baseType;
        this.fileType = fileType;
    }

    /** @return the lower-case name used on the command line, e.g. {@code q4_k_m} */
    public String id() {
        return id;
    }

    /** @return the type most matrices get */
    public TensorType baseType() {
        return baseType;
    }

    /** @return llama.cpp's {@code general.file_type} for files of this scheme */
    public int fileType() {
        return fileType;
    }

    /**
     * @param id a scheme name, case-insensitive, e.g. {@code q4_k_m}
     * @return the scheme
     * @throws IllegalArgumentException naming the supported schemes if {@code id} is not one
     */
    public static Quantization parse(String id) {
        String lower = id.trim().toLowerCase(Locale.ROOT);
        for (Quantization q : values()) {
            if (q.id.equals(lower)) {
                return q;
            }
        }
        throw new IllegalArgumentException("unknown quantization '" + id + "' (supported: "
                + Arrays.stream(values()).map(Quantization::id).collect(Collectors.joining(", ")) + ")");
    }
}
