package dev.jgemma.examples.cli;

import dev.jgemma.chat.Gemma;
import dev.jgemma.tokenizer.GemmaTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.StringJoiner;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonFactory;

/**
 * {@code gemma tokenize}: text from stdin (or one JSON object per line of a file) to token ids as
 * JSON arrays.
 */
final class TokenizeCommand implements Command {
    private static final JsonFactory JSON = new JsonFactory();
    private final InputStream stdin;

    TokenizeCommand() {
        this(System.in);
    }

    TokenizeCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public String name() {
        return "tokenize";
    }

    @Override
    public String summary() {
        return "turn text into token ids (JSON)";
    }

    @Override
    public String usage() {
        return "usage: gemma tokenize --tokenizer <tokenizer.json|tokenizer.model|model.gguf> [--bos] [--special] [--jsonl FILE]\n"
                + "  --tokenizer PATH   tokenizer.json, tokenizer.model, an HF folder, or a GGUF file's vocabulary\n"
                + "  --bos              start with <bos>\n"
                + "  --special          recognise special-token text such as <start_of_turn> (trusted text only)\n"
                + "  --jsonl FILE       read one JSON object per line with a \"text\" field; print one array per line\n"
                + "Without --jsonl, all of stdin (UTF-8) is one text and one JSON array is printed.\n";
    }

    @Override
    public Set<String> valuedFlags() {
        return Set.of("tokenizer", "jsonl");
    }

    @Override
    public Set<String> switches() {
        return Set.of("bos", "special");
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws IOException {
        GemmaTokenizer tokenizer = Gemma.loadTokenizer(args.existing("tokenizer"));
        boolean bos = args.has("bos");
        boolean special = args.has("special");
        if (args.has("jsonl")) {
            Path file = args.existing("jsonl");
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                int lineNo = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lineNo++;
                    if (line.isBlank()) {
                        continue;
                    }
                    String text = textField(line, file, lineNo);
                    out.println(array(special ? tokenizer.encodeWithSpecialTokens(text, bos) : tokenizer.encode(text, bos)));
                }
            } catch (java.nio.charset.MalformedInputException e) {
                throw new CliException("tokenize: " + file + " is not UTF-8 text");
            }
            return 0;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(stdin.readAllBytes())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CliException("tokenize: standard input is not UTF-8 text");
        }
        out.println(array(special ? tokenizer.encodeWithSpecialTokens(text, bos) : tokenizer.encode(text, bos)));
        return 0;
    }

    /** The "text" string of a one-line JSON object. */
    private static String textField(String line, Path file, int lineNo) {
        try (JsonParser p = JSON.createParser(tools.jackson.core.ObjectReadContext.empty(), line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CliException("tokenize: " + file + " line " + lineNo + ": expected a JSON object");
            }
            String text = null;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("text")) {
                    if (value != JsonToken.VALUE_STRING) {
                        throw new CliException("tokenize: " + file + " line " + lineNo + ": \"text\" must be a string");
                    }
                    text = p.getString();
                } else {
                    p.skipChildren();
                }
            }
            if (text == null) {
                throw new CliException("tokenize: " + file + " line " + lineNo + ": no \"text\" field");
            }
            return text;
        } catch (JacksonException e) {
            throw new CliException("tokenize: " + file + " line " + lineNo + ": malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static String array(int[] ids) {
        StringJoiner j = new StringJoiner(",", "[", "]");
        for (int id : ids) {
            j.add(Integer.toString(id));
        }
        return j.toString();
    }
}
