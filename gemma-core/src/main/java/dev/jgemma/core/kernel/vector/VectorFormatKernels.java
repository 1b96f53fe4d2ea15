package dev.jgemma.core.kernel.vector;

import dev.jgemma.core.kernel.FormatKernel;
import dev.jgemma.core.tensor.BlockFormat;
import java.nio.ByteOrder;
import java.util.Optional;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The registry of Vector API {@link FormatKernel}s, one class per storage type, and the vector
 * species they share. F16 has none: widening binary16 with integer vector operations measured no
 * faster than the scalar {@code Float.float16ToFloat} intrinsic (see docs/PERFORMANCE.md), so it
 * keeps the generic decoding kernel. A species of {@code L} floats pairs with {@code L} bytes or shorts of
 * stored data; these kernels exist for 8 and 16 float lanes (256- and 512-bit vectors: AVX2,
 * AVX-512, SVE), other widths use the generic decoding kernel.
 */
final class VectorFormatKernels {
    static final VectorSpecies<Float> F = VectorFloatOps.F;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final boolean FUSED = F.length() == 8 || F.length() == 16;
    static final VectorSpecies<Byte> B = F.length() == 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
    static final VectorSpecies<Short> S = F.length() == 16 ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private VectorFormatKernels() {
    }

    static Optional<FormatKernel> of(BlockFormat format) {
        if (!FUSED) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (format.type()) {
            case F32 -> new F32Kernel();
            case BF16 -> new BF16Kernel();
            case Q8_0 -> new Q8_0Kernel();
            case Q4_0 -> new Q4_0Kernel();
            case Q4_K -> new Q4_KKernel();
            case Q6_K -> new Q6_KKernel();
            default -> null;
        });
    }
}
