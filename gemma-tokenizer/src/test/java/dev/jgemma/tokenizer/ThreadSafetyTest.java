package dev.jgemma.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One tokenizer shared by several threads gives every thread the same ids and text as one thread. */
class ThreadSafetyTest {
    private static final int ROUNDS = 1;


    @Test
    void concurrentEncodeAndDecodeGiveTheSameResults() throws Exception {
        List<PublicCase> cases = PublicCase.all();
        GemmaTokenizer json = ReferenceTokenizers.json();
        GemmaTokenizer spm = ReferenceTokenizers.sentencePiece();
        int threads = 4;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                results.add(pool.submit(() -> {
                    List<PublicCase> order = new ArrayList<>(cases);
                    int checked = 0;
                    for (int round = 0; round < ROUNDS; round++) {
                        Collections.shuffle(order, new Random(seed * 31 + round));
                        for (PublicCase c : order) {
                            assertThat(json.encodeWithSpecialTokens(c.text())).containsExactly(c.ids());
                            assertThat(spm.encodeWithSpecialTokens(c.text())).containsExactly(c.sentencePieceIds());
                            assertThat(json.decode(c.ids())).isEqualTo(c.decoded());
                            StreamingDecoder stream = json.newStreamingDecoder(true);
                            StringBuilder text = new StringBuilder();
                            for (int id : c.idsWithBos()) {
                                text.append(stream.accept(id));
                            }
                            assertThat(text.append(stream.flush()).toString()).isEqualTo(c.decodedWithBosSkipSpecial());
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(ROUNDS * cases.size());
            }
        }
    }
}
