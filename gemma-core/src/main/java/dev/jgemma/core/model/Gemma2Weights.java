package dev.jgemma.core.model;

import dev.jgemma.core.Gemma2Config;
import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.format.TensorSource;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * All of a Gemma-2 model's weights, looked up by name and checked against the config.
 *
 * @param embedding {@code [vocab, hidden]}, also the tied output projection
 * @param layers the decoder layers
 * @param finalNorm final norm scale (offset added)
 */
public record Gemma2Weights(Tensor embedding, LayerWeights[] layers, float[] finalNorm) {

    /**
     * Finds and validates every tensor.
     *
     * @param source the tensors
     * @param names the format's tensor names
     * @param config the config the shapes must fit
     * @param supported which storage types the kernels can compute with
     * @return the weights
     * @throws ModelFormatException naming the file and tensor that is missing, of the wrong shape,
     *     or of an unsupported type
     */
    public static Gemma2Weights load(TensorSource source, TensorNames names, Gemma2Config config, Predicate<TensorType> supported) {
        Loader l = new Loader(source, config, supported);
        int h = config.hiddenSize();
        int q = config.queryDim();
        int kv = config.kvDim();
        int ff = config.intermediateSize();
        Tensor embedding = l.matrix(names.embedding(), config.vocabSize(), h);
        LayerWeights[] layers = new LayerWeights[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new LayerWeights(
                    l.norm(TensorNames.layer(names.attnNorm(), i), h),
                    l.matrix(TensorNames.layer(names.query(), i), q, h),
                    l.matrix(TensorNames.layer(names.key(), i), kv, h),
                    l.matrix(TensorNames.layer(names.value(), i), kv, h),
                    l.matrix(TensorNames.layer(names.attnOutput(), i), h, q),
                    l.norm(TensorNames.layer(names.postAttnNorm(), i), h),
                    l.norm(TensorNames.layer(names.preFfnNorm(), i), h),
                    l.matrix(TensorNames.layer(names.gate(), i), ff, h),
                    l.matrix(TensorNames.layer(names.up(), i), ff, h),
                    l.matrix(TensorNames.layer(names.down(), i), h, ff),
                    l.norm(TensorNames.layer(names.postFfnNorm(), i), h));
        }
        return new Gemma2Weights(embedding, layers, l.norm(names.finalNorm(), h));
    }

    /** @return every weight matrix: the embedding, then each layer's seven projections */
    public List<Tensor> matrices() {
        List<Tensor> all = new ArrayList<>(1 + 7 * layers.length);
        all.add(embedding);
        for (LayerWeights l : layers) {
            all.addAll(List.of(l.query(), l.key(), l.value(), l.attnOutput(), l.gate(), l.up(), l.down()));
        }
        return all;
    }

    private record Loader(TensorSource source, Gemma2Config config, Predicate<TensorType> supported) {
        Tensor matrix(String name, long rows, long cols) {
            Tensor t = source.get(name);
            if (t.rank() != 2 || t.dim(0) != rows || t.dim(1) != cols) {
                throw ModelFormatException.of(source.path(), "tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                        + " but the config needs [" + rows + ", " + cols + "]");
            }
            if (!supported.test(t.type())) {
                throw ModelFormatException.of(source.path(), "tensor '" + name + "' has type " + t.type()
                        + ", which jgemma does not support yet");
            }
            return t;
        }

        float[] norm(String name, int size) {
            Tensor t = source.get(name);
            if (t.elementCount() != size || t.rank() != 1) {
                throw ModelFormatException.of(source.path(), "tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                        + " but the config needs [" + size + "]");
            }
            if (!supported.test(t.type())) {
                throw ModelFormatException.of(source.path(), "tensor '" + name + "' has type " + t.type()
                        + ", which jgemma does not support yet");
            }
            float[] w = t.toFloatArray();
            for (int i = 0; i < w.length; i++) {
                if (!Float.isFinite(w[i])) {
                    throw ModelFormatException.of(source.path(), "tensor '" + name + "' holds a non-finite value at index " + i);
                }
                w[i] += config.normWeightOffset();
            }
            return w;
        }
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "Gemma2Weights[" + layers.length + " layers, embedding " + embedding + "]";
    }
}
