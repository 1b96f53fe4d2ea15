/**
 * Gemma-2 inference core: weight formats (GGUF, safetensors), tensor types, kernels, the forward
 * pass, KV cache and sampling. Depends on the JDK only; the Vector API is optional.
 */
module dev.jgemma.core {
    requires static jdk.incubator.vector;

    exports dev.jgemma.core;
    exports dev.jgemma.core.format;
    exports dev.jgemma.core.sampling;
    exports dev.jgemma.core.tensor;
    exports dev.jgemma.core.eval;
    exports dev.jgemma.core.merge;
}
