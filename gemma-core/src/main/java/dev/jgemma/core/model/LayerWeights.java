package dev.jgemma.core.model;

import dev.jgemma.core.tensor.Tensor;

/**
 * One decoder layer's weights. Matrices stay in their stored format; the small norm vectors are
 * held as f32 with the norm offset already added, so every norm computes {@code x * w}.
 *
 * @param attnNorm pre-attention norm scale
 * @param query {@code [heads * headDim, hidden]}
 * @param key {@code [kvHeads * headDim, hidden]}
 * @param value {@code [kvHeads * headDim, hidden]}
 * @param attnOutput {@code [hidden, heads * headDim]}
 * @param postAttnNorm post-attention norm scale
 * @param preFfnNorm pre-feed-forward norm scale
 * @param gate {@code [intermediate, hidden]}
 * @param up {@code [intermediate, hidden]}
 * @param down {@code [hidden, intermediate]}
 * @param postFfnNorm post-feed-forward norm scale
 */
public record LayerWeights(float[] attnNorm, Tensor query, Tensor key, Tensor value, Tensor attnOutput, float[] postAttnNorm,
                           float[] preFfnNorm, Tensor gate, Tensor up, Tensor down, float[] postFfnNorm) {
}
