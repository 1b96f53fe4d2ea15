package dev.jgemma.core.model;

/**
 * The names a weight format gives Gemma-2's tensors: data, not branches. {@code %d} is the layer.
 *
 * @param embedding token embedding (also the tied output projection)
 * @param finalNorm the norm before the output projection
 * @param attnNorm pre-attention norm
 * @param query query projection
 * @param key key projection
 * @param value value projection
 * @param attnOutput attention output projection
 * @param postAttnNorm post-attention norm
 * @param preFfnNorm pre-feed-forward norm
 * @param gate GeGLU gate projection
 * @param up GeGLU up projection
 * @param down feed-forward down projection
 * @param postFfnNorm post-feed-forward norm
 */
public record TensorNames(String embedding, String finalNorm, String attnNorm, String query, String key, String value,
                          String attnOutput, String postAttnNorm, String preFfnNorm, String gate, String up, String down,
                          String postFfnNorm) {

    /** HuggingFace transformers' names (safetensors checkpoints). */
    public static final TensorNames HF = new TensorNames(
            "model.embed_tokens.weight", "model.norm.weight",
            "model.layers.%d.input_layernorm.weight",
            "model.layers.%d.self_attn.q_proj.weight",
            "model.layers.%d.self_attn.k_proj.weight",
            "model.layers.%d.self_attn.v_proj.weight",
            "model.layers.%d.self_attn.o_proj.weight",
            "model.layers.%d.post_attention_layernorm.weight",
            "model.layers.%d.pre_feedforward_layernorm.weight",
            "model.layers.%d.mlp.gate_proj.weight",
            "model.layers.%d.mlp.up_proj.weight",
            "model.layers.%d.mlp.down_proj.weight",
            "model.layers.%d.post_feedforward_layernorm.weight");

    /** llama.cpp's GGUF names. */
    public static final TensorNames GGUF = new TensorNames(
            "token_embd.weight", "output_norm.weight",
            "blk.%d.attn_norm.weight",
            "blk.%d.attn_q.weight",
            "blk.%d.attn_k.weight",
            "blk.%d.attn_v.weight",
            "blk.%d.attn_output.weight",
            "blk.%d.post_attention_norm.weight",
            "blk.%d.ffn_norm.weight",
            "blk.%d.ffn_gate.weight",
            "blk.%d.ffn_up.weight",
            "blk.%d.ffn_down.weight",
            "blk.%d.post_ffw_norm.weight");

    /**
     * @param pattern one of this record's patterns
     * @param layer a layer index
     * @return the concrete name
     */
    public static String layer(String pattern, int layer) {
        return pattern.formatted(layer);
    }
}
