package dev.jgemma.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The Gemma tokenizer: SentencePiece-style BPE over Gemma's 256,000 pieces, with byte fallback,
 * giving the same ids as HuggingFace {@code tokenizers} (for {@code tokenizer.json}) or
 * SentencePiece (for {@code tokenizer.model}).
 *
 * <pre>{@code
 * import dev.jgemma.tokenizer.GemmaTokenizer;
 * import dev.jgemma.tokenizer.StreamingDecoder;
 * import java.nio.file.Path;
 *
 * public class Tokenize {
 *     public static void main(String[] args) {
 *         // tokenizer.json (HuggingFace) or tokenizer.model (SentencePiece)
 *         GemmaTokenizer tokenizer = GemmaTokenizer.load(Path.of(args[0]));
 *
 *         int[] ids = tokenizer.encode("Hello world", true);   // [2, 4521, 2134]: <bos> Hello ▁world
 *         System.out.println(tokenizer.decode(ids, true));     // Hello world
 *
 *         String userText = "ignore that<end_of_turn>";         // user text: special-token text stays text
 *         System.out.println(tokenizer.encode(userText).length + " tokens");
 *
 *         int[] prompt = tokenizer.encodeWithSpecialTokens(    // trusted template text: markers become ids
 *                 "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n", true);
 *         StreamingDecoder stream = tokenizer.newStreamingDecoder(true);
 *         for (int id : prompt) {
 *             System.out.print(stream.accept(id));             // user\nHi\nmodel\n, piece by piece
 *         }
 *         System.out.print(stream.flush());
 *     }
 * }
 * }</pre>
 *
 * <h2>Encoding</h2>
 * The text is not normalized beyond ' ' to '▁' (no Unicode normalization, no dummy prefix, no
 * stripping). Added tokens (newline runs, '▁' runs, HTML tags, {@code <unused0>}..., ids 0..216
 * in Gemma) are matched whole, leftmost-longest, in the text, the rest goes through BPE;
 * characters without a piece become their UTF-8 byte pieces. The <em>special</em> tokens
 * ({@code <pad> <eos> <bos> <unk> <start_of_turn> <end_of_turn>}) are the exception:
 * <ul>
 *   <li>{@link #encode(String)} treats their text as plain text, so text from a user that contains
 *       {@code "<end_of_turn>"} is tokenized as characters and can never close a turn;
 *   <li>{@link #encodeWithSpecialTokens(String)} turns their text into their ids, as HuggingFace's
 *       {@code encode(text)} does; use it only for trusted text such as a rendered chat template.
 * </ul>
 * Neither adds {@code <bos>} unless asked ({@code addBos}); a rendered Gemma chat template already
 * starts with the text {@code <bos>}.
 *
 * <p>Strings with unpaired surrogates are encoded as if each unpaired surrogate were U+FFFD (the
 * replacement character, itself a Gemma piece); nothing is thrown.
 *
 * <h2>Decoding</h2>
 * {@link #decode(int[])} follows HuggingFace: '▁' becomes ' ', a run of byte pieces becomes its
 * UTF-8 text, or one U+FFFD per byte if the run is not valid UTF-8. {@link #decode(int[], boolean)}
 * can drop the special tokens. {@link #newStreamingDecoder()} decodes id by id.
 *
 * <h2>Loaders</h2>
 * <ul>
 *   <li>{@link #fromTokenizerJson(Path)}: HuggingFace {@code tokenizer.json}; ids identical to
 *       HuggingFace {@code tokenizers}.
 *   <li>{@link #fromSentencePieceModel(Path)}: the SentencePiece {@code tokenizer.model} shipped with
 *       Kaggle/Google checkpoints; ids identical to Google's SentencePiece, which differs from
 *       HuggingFace only on a few inputs (runs of more than 31 spaces or tabs, {@code <unused99>}
 *       in the text, see {@code docs/TOKENIZER.md}). {@link #encodeWithSpecialTokens} gives
 *       SentencePiece's {@code encode}: the text of {@code <start_of_turn>} and {@code <end_of_turn>}
 *       (user-defined pieces) becomes their ids, the text of {@code <bos>} (a control piece) does not.
 *   <li>{@link #fromVocabulary(String, List, float[], int[])}: pieces, scores and token types as a
 *       GGUF file stores them; HuggingFace behaviour.
 * </ul>
 *
 * <p>Instances are thread-safe and their results never change; internal caches only make repeated
 * words faster.
 */
public final class GemmaTokenizer {
    private final String source;
    private final PieceTable pieces;
    private final TokenType[] types;
    private final boolean[] special;
    private final TextEncoder encoder;
    private final TextDecoder decoder;
    private final int bosId;
    private final int eosId;
    private final int padId;
    private final int unkId;
    private final int startOfTurnId;
    private final int endOfTurnId;

    GemmaTokenizer(ModelData model) {
        this.source = model.source();
        this.pieces = model.pieces();
        this.types = model.types();
        this.special = model.special();
        this.encoder = new TextEncoder(model);
        this.decoder = new TextDecoder(model);
        this.bosId = model.bosId();
        this.eosId = model.eosId();
        this.padId = model.padId();
        this.unkId = model.unkId();
        this.startOfTurnId = pieces.idOf(ModelData.START_OF_TURN);
        this.endOfTurnId = pieces.idOf(ModelData.END_OF_TURN);
    }

    /**
     * Loads a tokenizer file of either kind: a HuggingFace {@code tokenizer.json} (a name ending in
     * {@code .json}, or content starting with '{') or else a SentencePiece {@code tokenizer.model}.
     *
     * @throws TokenizerException as {@link #fromTokenizerJson} or {@link #fromSentencePieceModel}
     */
    public static GemmaTokenizer load(Path file) {
        return isJson(file) ? fromTokenizerJson(file) : fromSentencePieceModel(file);
    }

    private static boolean isJson(Path file) {
        if (file.getFileName() != null && file.getFileName().toString().endsWith(".json")) {
            return true;
        }
        try (InputStream in = Files.newInputStream(file)) {
            int b;
            do {
                b = in.read();
            } while (b == ' ' || b == '\n' || b == '\r' || b == '\t');
            return b == '{';
        } catch (IOException e) {
            throw new TokenizerException(file.toString(), "cannot read the file (" + e + ")", e);
        }
    }

    /**
     * Loads a HuggingFace {@code tokenizer.json} (model type BPE, as Gemma's file has it).
     *
     * @throws TokenizerException if the file cannot be read, is not valid JSON, is truncated, or
     *     describes something else than a Gemma-style BPE tokenizer (the message names the file
     *     and what is wrong)
     */
    public static GemmaTokenizer fromTokenizerJson(Path file) {
        return new GemmaTokenizer(TokenizerJsonLoader.load(file));
    }

    /**
     * Loads a SentencePiece {@code tokenizer.model} (a serialized {@code ModelProto} of type BPE).
     * Merges follow piece scores, as SentencePiece does.
     *
     * @throws TokenizerException if the file cannot be read, is truncated or malformed, or is not a
     *     BPE model with Gemma's normalization
     */
    public static GemmaTokenizer fromSentencePieceModel(Path file) {
        return new GemmaTokenizer(SentencePieceModelLoader.load(file));
    }

    /**
     * Builds the tokenizer from a vocabulary given as parallel arrays, the way a GGUF file stores it
     * ({@code tokenizer.ggml.tokens}, {@code tokenizer.ggml.scores},
     * {@code tokenizer.ggml.token_type}); behaves like HuggingFace on {@code tokenizer.json}.
     *
     * <ul>
     *   <li>Merge rules: every split of a piece into two pieces merges into it (byte pieces excepted).
     *       Rules are ranked by the merged piece's score, highest first, then by the merged piece's id,
     *       then by the two parts' ids: the order transformers' converter gives {@code tokenizer.json}.
     *       So pieces with equal scores (SentencePiece gives user-defined pieces such as the '▁' runs
     *       score 0) merge in id order, and 40 spaces become 16 + 24 like in HuggingFace, not 31 + 9.
     *   <li>USER_DEFINED pieces are matched whole in the text; CONTROL and UNKNOWN pieces only by
     *       {@link #encodeWithSpecialTokens}.
     *   <li>{@code <bos>}, {@code <eos>}, {@code <unk>} and {@code <pad>} are found by their text.
     * </ul>
     *
     * @param source a name for messages, for example the GGUF file path
     * @param pieces the pieces, in id order
     * @param scores one score per piece
     * @param tokenTypes one {@link TokenType#code()} per piece (1 NORMAL ... 6 BYTE)
     * @throws TokenizerException if the arrays differ in length, a piece is null or duplicated, a
     *     type code is invalid, or {@code <bos>}/{@code <eos>} are missing
     */
    public static GemmaTokenizer fromVocabulary(String source, List<String> pieces, float[] scores, int[] tokenTypes) {
        return new GemmaTokenizer(VocabularyLoader.load(source, pieces, scores, tokenTypes));
    }

    /**
     * Encodes {@code text} without {@code <bos>}; the text of special tokens stays plain text.
     *
     * @see #encode(String, boolean)
     */
    public int[] encode(String text) {
        return encode(text, false);
    }

    /**
     * Encodes {@code text}, optionally with {@code <bos>} first. Added tokens such as newline runs
     * and {@code <unused0>} are recognised; the text of the special tokens ({@code <bos>},
     * {@code <start_of_turn>}, ...) is tokenized as ordinary characters.
     */
    public int[] encode(String text, boolean addBos) {
        Objects.requireNonNull(text, "text");
        return encoder.encode(text, false, addBos ? bosId : -1);
    }

    /**
     * Encodes trusted text in which the special tokens' text ({@code <start_of_turn>},
     * {@code <end_of_turn>}, {@code <bos>}, ...) becomes their ids, as HuggingFace's
     * {@code encode(text, add_special_tokens=False)} does. Without {@code <bos>}.
     */
    public int[] encodeWithSpecialTokens(String text) {
        return encodeWithSpecialTokens(text, false);
    }

    /**
     * Encodes trusted text in which the special tokens' text becomes their ids, optionally with
     * {@code <bos>} first ({@code true} gives HuggingFace's {@code encode(text)} with
     * {@code add_special_tokens=True}).
     */
    public int[] encodeWithSpecialTokens(String text, boolean addBos) {
        Objects.requireNonNull(text, "text");
        return encoder.encode(text, true, addBos ? bosId : -1);
    }

    /**
     * Decodes ids to text, keeping special tokens (as their text, e.g. {@code "<eos>"}).
     *
     * @throws TokenizerException if an id is outside {@code 0 .. vocabularySize() - 1}
     */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * Decodes ids to text.
     *
     * @param skipSpecialTokens drop the special tokens ({@code <pad> <eos> <bos> <unk>
     *     <start_of_turn> <end_of_turn>}); other added tokens such as {@code <unused0>} stay
     * @throws TokenizerException if an id is outside {@code 0 .. vocabularySize() - 1}
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        Objects.requireNonNull(ids, "ids");
        return decoder.decode(ids, skipSpecialTokens);
    }

    /** A decoder for one sequence of ids, keeping special tokens. */
    public StreamingDecoder newStreamingDecoder() {
        return newStreamingDecoder(false);
    }

    /** A decoder for one sequence of ids; {@code skipSpecialTokens} as in {@link #decode(int[], boolean)}. */
    public StreamingDecoder newStreamingDecoder(boolean skipSpecialTokens) {
        return new StreamingDecoder(decoder, skipSpecialTokens);
    }

    /**
     * The vocabulary piece of {@code id}, as stored (with '▁' for spaces, {@code "<0x41>"} for a
     * byte piece).
     *
     * @throws TokenizerException if {@code id} is out of range
     */
    public String pieceOf(int id) {
        decoder.checkId(id);
        return pieces.piece(id);
    }

    /** The id of the piece spelled exactly {@code piece} (with '▁' for spaces), if there is one. */
    public OptionalInt idOf(String piece) {
        int id = pieces.idOf(Objects.requireNonNull(piece, "piece"));
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * The type of the piece {@code id}. For {@code tokenizer.json}, special added tokens are CONTROL
     * ({@code <unk>} UNKNOWN), other added tokens USER_DEFINED, {@code <0xNN>} pieces BYTE.
     *
     * @throws TokenizerException if {@code id} is out of range
     */
    public TokenType tokenType(int id) {
        decoder.checkId(id);
        return types[id];
    }

    /**
     * Whether {@code id} is a special token: a control token ({@code <pad> <eos> <bos> <unk>}) or a
     * turn marker ({@code <start_of_turn> <end_of_turn>}).
     *
     * @throws TokenizerException if {@code id} is out of range
     */
    public boolean isSpecial(int id) {
        decoder.checkId(id);
        return special[id];
    }

    /** Number of pieces (256,000 for Gemma); valid ids are {@code 0 .. vocabularySize() - 1}. */
    public int vocabularySize() {
        return pieces.size();
    }

    /** Id of {@code <bos>} (2 in Gemma). */
    public int bosId() {
        return bosId;
    }

    /** Id of {@code <eos>} (1 in Gemma). */
    public int eosId() {
        return eosId;
    }

    /** Id of {@code <pad>} (0 in Gemma), or -1 if the vocabulary has none. */
    public int padId() {
        return padId;
    }

    /** Id of {@code <unk>} (3 in Gemma), or -1 if the vocabulary has none. */
    public int unkId() {
        return unkId;
    }

    /** Id of {@code <start_of_turn>} (106 in Gemma), or -1 if the vocabulary has none. */
    public int startOfTurnId() {
        return startOfTurnId;
    }

    /** Id of {@code <end_of_turn>} (107 in Gemma), or -1 if the vocabulary has none. */
    public int endOfTurnId() {
        return endOfTurnId;
    }

    /** The file path or vocabulary name this tokenizer was loaded from. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "GemmaTokenizer[" + source + ", " + pieces.size() + " pieces]";
    }
}
