package dev.jgemma.core;

/**
 * When a model's weights are checked for corruption: a NaN or infinite block scale (or, in F32,
 * F16 and BF16 tensors, value) would otherwise turn every logit into NaN without an error. A
 * corrupt tensor is reported as a {@link ModelFormatException} naming the file, the tensor, its
 * type, the row and the block, and never produces logits. Chosen with
 * {@link ModelOptions#verifyWeights(WeightVerification)}.
 */
public enum WeightVerification {
    /**
     * Every tensor in the file is scanned in {@link Gemma2Model#load}, which fails on the first
     * corrupt one. Costs a pass over the file at load (a few tenths of a second for a quantized 2B
     * file, seconds for BF16, whose every value is read).
     */
    EAGER,
    /**
     * The default. Each weight matrix is checked the first time the forward pass multiplies with
     * it, row range by row range just before the kernel reads the same memory (so the check reads
     * what the kernel then finds in cache); embedding rows are checked as they are looked up until
     * the whole embedding has been checked. Loading only maps the file; the first forward pass pays
     * the check, later ones nothing. The error comes from the session call that first touches the
     * corrupt tensor, before it returns any logits, and again from every later call that needs it.
     * Tensors the model never reads are not checked.
     */
    ON_FIRST_USE,
    /** No check: a corrupt file gives NaN logits. For measuring load time, or trusted files. */
    OFF
}
