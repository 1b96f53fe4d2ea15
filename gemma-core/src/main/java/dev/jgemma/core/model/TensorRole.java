package dev.jgemma.core.model;

import java.util.Optional;
import java.util.function.Function;

/**
 * What a Gemma-2 tensor is for, independent of the file format's naming: lets tools translate
 * names between formats and pick per-role storage types.
 */
public enum TensorRole {
    EMBEDDING(TensorNames::embedding, false),
    FINAL_NORM(TensorNames::finalNorm, false),
    ATTN_NORM(TensorNames::attnNorm, true),
    QUERY(TensorNames::query, true),
    KEY(TensorNames::key, true),
    VALUE(TensorNames::value, true),
    ATTN_OUTPUT(TensorNames::attnOutput, true),
    POST_ATTN_NORM(TensorNames::postAttnNorm, true),
    PRE_FFN_NORM(TensorNames::preFfnNorm, true),
    GATE(TensorNames::gate, true),
    UP(TensorNames::up, true),
    DOWN(TensorNames::down, true),
    POST_FFN_NORM(TensorNames::postFfnNorm, true);

    private final Function<TensorNames, String> pattern;
    private final boolean perLayer;

    TensorRole(Function<TensorNames, String> pattern, boolean perLayer) {
        this.pattern = pattern;
        this.perLayer = perLayer;
    }

    /** @return whether the role is a norm scale vector */
    public boolean isNorm() {
        return this == FINAL_NORM || this == ATTN_NORM || this == POST_ATTN_NORM || this == PRE_FFN_NORM || this == POST_FFN_NORM;
    }

    /**
     * A tensor's role and, for per-layer roles, its layer.
     *
     * @param role the role
     * @param layer the layer index, or -1 for model-level tensors
     */
    public record Match(TensorRole role, int layer) {
        /** @param names a format's names @return this tensor's name in that format */
        public String nameIn(TensorNames names) {
            String p = role.pattern.apply(names);
            return role.perLayer ? TensorNames.layer(p, layer) : p;
        }
    }

    /**
     * Identifies a tensor by name.
     *
     * @param name a tensor name
     * @param names the naming of the file it comes from
     * @return its role and layer, or empty if it is not one of Gemma-2's tensors
     */
    public static Optional<Match> of(String name, TensorNames names) {
        for (TensorRole role : values()) {
            String p = role.pattern.apply(names);
            if (!role.perLayer) {
                if (p.equals(name)) {
                    return Optional.of(new Match(role, -1));
                }
                continue;
            }
            int at = p.indexOf("%d");
            String prefix = p.substring(0, at);
            String suffix = p.substring(at + 2);
            if (name.length() > prefix.length() + suffix.length() && name.startsWith(prefix) && name.endsWith(suffix)) {
                String digits = name.substring(prefix.length(), name.length() - suffix.length());
                if (digits.length() <= 6 && digits.chars().allMatch(c -> c >= '0' && c <= '9')
                        && (digits.length() == 1 || digits.charAt(0) != '0')) {
                    return Optional.of(new Match(role, Integer.parseInt(digits)));
                }
            }
        }
        return Optional.empty();
    }
}
