package dev.jgemma.core.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgemma.core.Fixtures;
import dev.jgemma.core.Gemma2Model;
import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.ModelOptions;
import dev.jgemma.core.eval.ProgressListener;
import dev.jgemma.core.format.SafetensorsCheckpoint;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merges checked elementwise against the formulas, on the tiny fixture's checkpoints. */
class CheckpointMergeTest {
    @TempDir
    Path tmp;

    private static Path f32() {
        return Fixtures.model("tiny").resolve("hf-f32");
    }

    private static Path bf16() {
        return Fixtures.model("tiny").resolve("hf-bf16");
    }

    private static void assertSameTensors(Path merged, Path original) {
        try (SafetensorsCheckpoint a = SafetensorsCheckpoint.open(merged); SafetensorsCheckpoint b = SafetensorsCheckpoint.open(original)) {
            assertThat(a.tensors()).hasSameSizeAs(b.tensors());
            for (Tensor t : b.tensors()) {
                Tensor u = a.get(t.name());
                assertThat(u.type()).isEqualTo(t.type());
                assertThat(u.shape()).isEqualTo(t.shape());
                assertThat(u.data().toArray(ValueLayout.JAVA_BYTE)).as(t.name()).isEqualTo(t.data().toArray(ValueLayout.JAVA_BYTE));
            }
        }
    }

    @Test
    void copiesOfOneCheckpointMergeBackBitIdentical() {
        for (Path input : List.of(f32(), bf16())) {
            for (int n = 2; n <= 3; n++) {
                Path out = tmp.resolve(input.getFileName() + "-x" + n);
                CheckpointMerge.merge(java.util.Collections.nCopies(n, input), equalWeights(n), out, null, ProgressListener.NONE);
                assertSameTensors(out, input);
                assertThat(out.resolve("config.json")).hasSameTextualContentAs(input.resolve("config.json"));
            }
        }
    }

    private static MergeMethod equalWeights(int n) {
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1.0 / n);
        return MergeMethod.linear(w);
    }

    @Test
    void weightedMergeIsTheElementwiseFormula() {
        Path out = tmp.resolve("weighted");
        CheckpointMerge.merge(List.of(f32(), bf16()), MergeMethod.linear(3, 7), out, TensorType.F32, ProgressListener.NONE);
        try (SafetensorsCheckpoint m = SafetensorsCheckpoint.open(out);
             SafetensorsCheckpoint a = SafetensorsCheckpoint.open(f32());
             SafetensorsCheckpoint b = SafetensorsCheckpoint.open(bf16())) {
            for (Tensor t : m.tensors()) {
                float[] x = a.get(t.name()).toFloatArray();
                float[] y = b.get(t.name()).toFloatArray();
                float[] z = t.toFloatArray();
                for (int i = 0; i < z.length; i++) {
                    assertThat(z[i]).isEqualTo((float) (0.3 * x[i] + 0.7 * y[i]));
                }
            }
        }
        try (Gemma2Model model = Gemma2Model.load(out, ModelOptions.defaults().threads(1))) {
            float[] logits = model.newSession().prefill(2, 470, 63);
            assertThat(logits).hasSize(512);
            for (float v : logits) {
                assertThat(v).isFinite();
            }
        }
    }

    @Test
    void slerpEndpointsAreTheInputs() {
        Path zero = tmp.resolve("t0");
        Path one = tmp.resolve("t1");
        CheckpointMerge.merge(List.of(f32(), bf16()), MergeMethod.slerp(0), zero, TensorType.F32, ProgressListener.NONE);
        CheckpointMerge.merge(List.of(bf16(), f32()), MergeMethod.slerp(1), one, TensorType.F32, ProgressListener.NONE);
        assertSameTensors(zero, f32());
        assertSameTensors(one, f32());
        Path half = tmp.resolve("half");
        CheckpointMerge.merge(List.of(f32(), bf16()), MergeMethod.slerp(0.5), half, null, ProgressListener.NONE);
        try (Gemma2Model model = Gemma2Model.load(half, ModelOptions.defaults().threads(1))) {
            for (float v : model.newSession().prefill(2, 5)) {
                assertThat(v).isFinite();
            }
        }
    }

    @Test
    void mismatchedInputsAreRejectedWithTheFirstMismatch() throws IOException {
        Path calm = Fixtures.model("calm").resolve("hf-f32");
        Path out = tmp.resolve("never");
        assertThatThrownBy(() -> CheckpointMerge.merge(List.of(f32(), calm), MergeMethod.linear(1, 1), out, null, ProgressListener.NONE))
                .isInstanceOf(ModelFormatException.class).hasMessageContainingAll(calm.toString(), "config field vocabSize");
        Path shapes = tmp.resolve("shapes");
        Files.createDirectories(shapes);
        try (Stream<Path> s = Files.list(f32())) {
            for (Path p : s.toList()) {
                Files.copy(p, shapes.resolve(p.getFileName()));
            }
        }
        assertThatThrownBy(() -> CheckpointMerge.merge(List.of(f32(), Fixtures.model("tiny").resolve("gguf/model-f32.gguf")),
                MergeMethod.linear(1, 1), out, null, ProgressListener.NONE)).hasMessageContaining("mix formats");
        assertThatThrownBy(() -> CheckpointMerge.merge(List.of(f32(), f32(), f32()), MergeMethod.slerp(0.5), out, null,
                ProgressListener.NONE)).hasMessageContaining("exactly two");
        assertThatThrownBy(() -> CheckpointMerge.merge(List.of(f32(), f32()), MergeMethod.linear(1, 2, 3), out, null,
                ProgressListener.NONE)).hasMessageContaining("3 weights given for 2 inputs");
        assertThat(out).doesNotExist();
    }

    @Test
    void unwritableOutputLeavesNothingBehind() throws IOException {
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        Path out = file.resolve("merged");
        assertThatThrownBy(() -> CheckpointMerge.merge(List.of(f32(), f32()), MergeMethod.linear(1, 1), out, null, ProgressListener.NONE))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot write");
        Path existing = tmp.resolve("existing");
        Files.createDirectories(existing);
        assertThatThrownBy(() -> CheckpointMerge.merge(List.of(f32(), f32()), MergeMethod.linear(1, 1), existing, null,
                ProgressListener.NONE)).hasMessageContaining("already exists");
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList()).isEmpty();
        }
    }

    @Test
    void ggufInputsMergeIntoAGgufWithTheirMetadata() {
        Path q8 = Fixtures.model("tiny").resolve("gguf/model-q8_0.gguf");
        Path f32gguf = Fixtures.model("tiny").resolve("gguf/model-f32.gguf");
        Path same = tmp.resolve("same.gguf");
        CheckpointMerge.merge(List.of(f32gguf, f32gguf), MergeMethod.linear(1, 1), same, null, ProgressListener.NONE);
        try (dev.jgemma.core.format.GgufFile a = dev.jgemma.core.format.GgufFile.open(same);
             dev.jgemma.core.format.GgufFile b = dev.jgemma.core.format.GgufFile.open(f32gguf)) {
            assertThat(a.metadata().keySet()).containsExactlyElementsOf(b.metadata().keySet());
            for (Tensor t : b.tensors()) {
                assertThat(a.get(t.name()).data().toArray(ValueLayout.JAVA_BYTE)).as(t.name())
                        .isEqualTo(t.data().toArray(ValueLayout.JAVA_BYTE));
            }
        }
        // A quantized input is dequantized; the output may be quantized again.
        Path mixed = tmp.resolve("mixed.gguf");
        CheckpointMerge.merge(List.of(f32gguf, q8), MergeMethod.linear(1, 1), mixed, TensorType.Q8_0, ProgressListener.NONE);
        try (Gemma2Model model = Gemma2Model.load(mixed, ModelOptions.defaults().threads(1))) {
            assertThat(model.tensors().get("blk.0.attn_q.weight").type()).isEqualTo(TensorType.Q8_0);
            assertThat(model.tensors().get("blk.0.attn_norm.weight").type()).isEqualTo(TensorType.F32);
            for (float v : model.newSession().prefill(2, 9)) {
                assertThat(v).isFinite();
            }
        }
        assertThatThrownBy(() -> CheckpointMerge.merge(List.of(f32(), f32()), MergeMethod.linear(1, 1), tmp.resolve("x.gguf"), null,
                ProgressListener.NONE)).hasMessageContaining("needs GGUF inputs");
        assertThatThrownBy(() -> CheckpointMerge.merge(List.of(f32(), f32()), MergeMethod.linear(1, 1), tmp.resolve("y"), TensorType.Q8_0,
                ProgressListener.NONE)).hasMessageContaining("cannot write Q8_0");
        assertThat(tmp.resolve("x.gguf")).doesNotExist();
        assertThat(tmp.resolve("y")).doesNotExist();
    }
}
