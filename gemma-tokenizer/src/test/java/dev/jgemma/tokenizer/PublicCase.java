package dev.jgemma.tokenizer;

import java.util.List;
import java.util.Map;

/** One line of {@code cases.jsonl}, with the SentencePiece ids of the same text from {@code spm_cases.jsonl}. */
record PublicCase(String id, String kind, String text, int[] ids, int[] idsWithBos, String decoded,
        String decodedWithBosSkipSpecial, int[] sentencePieceIds) {

    private static List<PublicCase> all;

    static synchronized List<PublicCase> all() {
        if (all == null) {
            List<Map<String, Object>> hf = Fixtures.jsonLines("fixtures/tokenizer/cases.jsonl");
            List<Map<String, Object>> spm = Fixtures.jsonLines("fixtures/tokenizer/spm_cases.jsonl");
            if (hf.size() != spm.size()) {
                throw new IllegalStateException("cases.jsonl and spm_cases.jsonl differ in length");
            }
            all = new java.util.ArrayList<>();
            for (int i = 0; i < hf.size(); i++) {
                Map<String, Object> c = hf.get(i);
                Map<String, Object> s = spm.get(i);
                if (!c.get("id").equals(s.get("id")) || !c.get("text").equals(s.get("text"))) {
                    throw new IllegalStateException("cases.jsonl and spm_cases.jsonl are not aligned at line " + (i + 1));
                }
                all.add(new PublicCase((String) c.get("id"), (String) c.get("kind"), (String) c.get("text"),
                        Json.ints(c.get("ids")), Json.ints(c.get("ids_with_bos")), (String) c.get("decoded"),
                        (String) c.get("decoded_with_bos_skip_special"), Json.ints(s.get("ids"))));
            }
            all = List.copyOf(all);
        }
        return all;
    }

    @Override
    public String toString() {
        return id + " (" + kind + ")";
    }
}
