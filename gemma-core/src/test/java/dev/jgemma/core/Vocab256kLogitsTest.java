package dev.jgemma.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code vocab256k} fixture (real vocabulary size, one key/value head) through both formats:
 * the prompt's last-position logits row equals gemma_pytorch's, and the 24 greedy tokens and the
 * top-64 logits of every step match.
 */
@Tag("numeric")
class Vocab256kLogitsTest {

    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @ValueSource(strings = {"hf-bf16", "gguf/model-q8_0.gguf"})
    void chatPromptsMatchReference(String artifact) {
        Path dir = Fixtures.model("vocab256k");
        Map<String, Object> cases = (Map<String, Object>) Fixtures.parseJson(dir.resolve("chat/cases.json"));
        try (Gemma2Model model = Gemma2Model.load(dir.resolve(artifact), ModelOptions.defaults().threads(2))) {
            int vocab = model.config().vocabSize();
            assertThat(model.config().numKvHeads()).isEqualTo(1);
            for (Object c : (List<Object>) cases.get("cases")) {
                Map<String, Object> chat = (Map<String, Object>) c;
                Map<String, Object> runs = (Map<String, Object>) chat.get("runs");
                for (Map.Entry<String, Object> run : runs.entrySet()) {
                    Map<String, Object> r = (Map<String, Object>) run.getValue();
                    String what = artifact + " " + chat.get("name") + " (" + run.getKey() + ")";
                    int[] ids = Fixtures.ints(chat.get(run.getKey()));
                    Session s = model.newSession();
                    float[] logits = s.prefill(ids);
                    float[] row0 = Fixtures.floats(dir.resolve((String) r.get("row0_file")));
                    ReferenceLogitsTest.assertClose(what + " row0", logits, row0, vocab, ReferenceLogitsTest.TOLERANCE);

                    int[] greedy = Fixtures.ints(r.get("greedy"));
                    List<Object> top64 = (List<Object>) r.get("top64");
                    for (int step = 0; step < greedy.length; step++) {
                        Map<String, Object> top = (Map<String, Object>) top64.get(step);
                        int[] topIds = Fixtures.ints(top.get("ids"));
                        List<Object> topValues = (List<Object>) top.get("values");
                        for (int i = 0; i < topIds.length; i++) {
                            assertThat(logits[topIds[i]]).as(what + " step " + step + " logit of " + topIds[i])
                                    .isCloseTo(((Number) topValues.get(i)).floatValue(),
                                            org.assertj.core.data.Offset.offset(ReferenceLogitsTest.TOLERANCE));
                        }
                        int next = Session.argmax(logits);
                        assertThat(next).as(what + " greedy token " + step).isEqualTo(greedy[step]);
                        if (step + 1 < greedy.length) {
                            logits = s.decode(next);
                        }
                    }
                }
            }
        }
    }
}
