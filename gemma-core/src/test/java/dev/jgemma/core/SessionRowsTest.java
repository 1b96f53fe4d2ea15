package dev.jgemma.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regression: after a prefill that delivered several rows, the logits buffer is several rows
 * long; a later single-row call must still hand out rows of exactly {@code vocab} floats (decode
 * used to fail with an ArrayIndexOutOfBoundsException). Scalar backend, so that logits computed
 * in different batch shapes can be compared bit for bit.
 */
class SessionRowsTest {
    @Test
    void decodeAfterAMultiRowPrefillWorks() {
        int[] ids = {2, 17, 300, 5, 41};
        try (Gemma2Model m = Gemma2Model.load(Fixtures.model("tiny").resolve("gguf/model-f32.gguf"), ModelOptions.defaults().threads(1).backend(Backend.SCALAR))) {
            int vocab = m.config().vocabSize();
            Session a = m.newSession();
            List<float[]> rows = new ArrayList<>();
            a.prefill(ids, (pos, row) -> rows.add(row.clone()));
            assertThat(rows).hasSize(ids.length).allSatisfy(r -> assertThat(r).hasSize(vocab));
            float[] next = a.decode(7);
            List<float[]> single = new ArrayList<>();
            a.prefill(new int[] {9}, (pos, row) -> single.add(row.clone()));

            Session b = m.newSession();
            b.prefill(ids);
            assertThat(next).hasSize(vocab).containsExactly(b.decode(7));
            assertThat(single).hasSize(1);
            assertThat(single.getFirst()).hasSize(vocab).containsExactly(b.decode(9));
        }
    }
}
