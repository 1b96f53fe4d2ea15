package dev.jgemma.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/** gemma tokenize against HuggingFace's ids for every public case (with --special, as HF encodes), through each tokenizer source. */
class TokenizeCommandTest {
    @TempDir
    Path tmp;

    static Path tokenizerJson() {
        Path p = Path.of(System.getProperty("jgemma.tokenizer.json", "missing"));
        if (!Files.isRegularFile(p)) {
            if (System.getenv("CI") != null) {
                fail("tokenizer.json missing at " + p + " (run .ci/fetch-tokenizer)");
            }
            assumeThat(false).as("tokenizer.json missing").isTrue();
        }
        return p;
    }

    private static List<Integer> ints(String jsonArray) {
        List<Integer> out = new ArrayList<>();
        for (String s : jsonArray.replace("[", "").replace("]", "").split(",")) {
            if (!s.isBlank()) {
                out.add(Integer.parseInt(s.trim()));
            }
        }
        return out;
    }

    /** The "ids" (or another int-array field) of each line of cases.jsonl. */
    private static List<List<Integer>> expected(Path cases, String field) throws IOException {
        List<List<Integer>> out = new ArrayList<>();
        JsonFactory f = new JsonFactory();
        for (String line : Files.readAllLines(cases)) {
            try (JsonParser p = f.createParser(ObjectReadContext.empty(), line)) {
                p.nextToken();
                List<Integer> ids = null;
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    if (name.equals(field)) {
                        ids = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            ids.add(p.getIntValue());
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                out.add(ids);
            }
        }
        return out;
    }

    @Test
    void everyPublicCaseThroughJsonlMatchesHuggingFace() throws IOException {
        Path cases = GemmaCliTest.tiny().resolveSibling("../tokenizer/cases.jsonl").normalize();
        Path gguf = GemmaCliTest.tiny().resolveSibling("vocab256k/gguf/model-q8_0.gguf");
        for (String source : List.of(tokenizerJson().toString(), gguf.toString())) {
            for (boolean bos : new boolean[] {false, true}) {
                // HuggingFace's encode matches added tokens in the text: that is --special.
                List<String> argv = new ArrayList<>(List.of("tokenize", "--tokenizer", source, "--special", "--jsonl", cases.toString()));
                if (bos) {
                    argv.add("--bos");
                }
                GemmaCliTest.Result r = GemmaCliTest.run(argv.toArray(String[]::new));
                assertThat(r.status()).as(r.err()).isZero();
                List<List<Integer>> want = expected(cases, bos ? "ids_with_bos" : "ids");
                List<String> got = r.out().lines().toList();
                assertThat(got).hasSameSizeAs(want);
                for (int i = 0; i < got.size(); i++) {
                    assertThat(ints(got.get(i))).as(source + " case " + i).isEqualTo(want.get(i));
                }
            }
        }
    }

    @Test
    void stdinWithAndWithoutSpecialTokens() {
        String text = "Hi <end_of_turn>";
        assertThat(runStdin(text, "--tokenizer", tokenizerJson().toString()).trim()).isEqualTo("[2151,968,615,235298,559,235298,15508,235313]");
        assertThat(runStdin(text, "--tokenizer", tokenizerJson().toString(), "--special", "--bos").trim()).isEqualTo("[2,2151,235248,107]");
    }

    private static String runStdin(String text, String... flags) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TokenizeCommand cmd = new TokenizeCommand(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        Args args = new Args("tokenize", flags, cmd.valuedFlags(), cmd.switches());
        try {
            assertThat(cmd.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err)).isZero();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badInputs() throws IOException {
        Path jsonl = tmp.resolve("bad.jsonl");
        Files.writeString(jsonl, "{\"text\": \"ok\"}\n{\"txt\": \"no text\"}\n");
        GemmaCliTest.Result r = GemmaCliTest.run("tokenize", "--tokenizer", tokenizerJson().toString(), "--jsonl", jsonl.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("line 2", "no \"text\" field");
        Files.writeString(jsonl, "{\"text\": \n");
        r = GemmaCliTest.run("tokenize", "--tokenizer", tokenizerJson().toString(), "--jsonl", jsonl.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("line 1", "malformed JSON");
        Path notTokenizer = tmp.resolve("x.json");
        Files.writeString(notTokenizer, "{\"model\": {\"type\": \"Unigram\"}}");
        r = GemmaCliTest.run("tokenize", "--tokenizer", notTokenizer.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains(notTokenizer.toString());
        assertThat(Set.of(r.err().strip().split("\n"))).hasSize(1);
    }
}
