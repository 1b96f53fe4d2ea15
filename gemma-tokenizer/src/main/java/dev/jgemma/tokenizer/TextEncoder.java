package dev.jgemma.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Text to ids: finds added tokens, normalizes (' ' to '▁'), cuts the rest into words, runs BPE on
 * each word and replaces unknown characters by their UTF-8 byte pieces.
 *
 * <p>Gemma has no pre-tokenizer, so HuggingFace runs BPE on whole lines. When no piece has '▁'
 * right after another character (true for Gemma, checked when the tokenizer is built), no merge
 * can join a symbol ending in another character to one starting with '▁', so a line can be cut
 * into words before every '▁' that follows another character without changing the result: BPE
 * then runs on short words, in a few cache lines, and frequent words come from caches.
 *
 * <p>Thread-safe. Its only mutable state are two memos that never change a result:
 * {@link #wholeWordState} (whose entries any thread writes with the same value) and a
 * {@link WordCache} of immutable entries.
 */
final class TextEncoder {
    static final char METASPACE = '\u2581';
    private static final byte UNKNOWN = 0;
    private static final byte SELF = 1;
    private static final byte SPLIT = 2;

    private final String source;
    private final PieceTable pieces;
    private final int vocabularySize;
    private final BytePairMerger merger;
    private final AddedTokenMatcher allAdded;
    private final AddedTokenMatcher plainAdded;
    private final boolean matchInRawText;
    private final boolean escapeSpaces;
    private final boolean splitAtMetaspace;
    private final int[] byteIds = new int[256];
    private final boolean byteFallback;
    private final int unkId;
    /** Per piece: does BPE of the piece's own text give back the piece? Filled lazily. */
    private final byte[] wholeWordState;
    private final WordCache wordCache = new WordCache();
    private final Scratch.Pool scratchPool = new Scratch.Pool();

    TextEncoder(ModelData model) {
        this.source = model.source();
        this.pieces = model.pieces();
        this.vocabularySize = pieces.size();
        this.merger = new BytePairMerger(model.rules());
        this.matchInRawText = model.matchAddedTokensInRawText();
        this.escapeSpaces = model.escapeSpaces();
        this.byteFallback = model.byteFallback();
        this.unkId = model.unkId();
        this.wholeWordState = new byte[vocabularySize];

        List<String> all = new ArrayList<>();
        List<String> plain = new ArrayList<>();
        int[] allIds = new int[model.addedTokenIds().length];
        int[] plainIds = new int[model.addedTokenIds().length];
        for (int id : model.addedTokenIds()) {
            allIds[all.size()] = id;
            all.add(pieces.piece(id));
            if (!model.special()[id]) {
                plainIds[plain.size()] = id;
                plain.add(pieces.piece(id));
            }
        }
        this.allAdded = new AddedTokenMatcher(all, allIds);
        this.plainAdded = new AddedTokenMatcher(plain, plainIds);

        // byte fallback looks pieces up by name, "<0x41>", as HuggingFace and SentencePiece do
        for (int b = 0; b < 256; b++) {
            int id = pieces.idOf(String.format("<0x%02X>", b));
            TokenType type = id < 0 ? null : model.types()[id];
            byteIds[b] = type == TokenType.BYTE || type == TokenType.NORMAL ? id : -1;
        }
        this.splitAtMetaspace = noPieceCrossesMetaspace();
    }

    /**
     * Whether no piece has '▁' right after another character; then no merge can join a symbol
     * ending in another character to one starting with '▁', and words can be cut there.
     */
    private boolean noPieceCrossesMetaspace() {
        char[] pool = pieces.pool();
        for (int id = 0; id < vocabularySize; id++) {
            for (int i = pieces.start(id) + 1; i < pieces.end(id); i++) {
                if (pool[i] == METASPACE && pool[i - 1] != METASPACE) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Encodes {@code text}.
     *
     * @param withSpecialTokens also match the text of special tokens ({@code <start_of_turn>}, ...)
     * @param firstId an id to put first (BOS), or -1
     */
    int[] encode(String text, boolean withSpecialTokens, int firstId) {
        Scratch s = scratchPool.acquire();
        try {
            if (firstId >= 0) {
                s.add(firstId);
            }
            int n = text.length();
            char[] buf = s.text(n);
            Strings.copyWellFormed(text, buf);
            if (!matchInRawText) {
                normalize(buf, 0, n);
            }
            AddedTokenMatcher matcher = withSpecialTokens ? allAdded : plainAdded;
            int segment = 0;
            if (matcher.tokenCount() > 0) {
                int i = 0;
                while (i < n) {
                    if (matcher.mayStartWith(buf[i])) {
                        long hit = matcher.longestAt(buf, i, n);
                        if (hit != AddedTokenMatcher.NO_MATCH) {
                            encodeSegment(s, segment, i);
                            s.add((int) hit);
                            i += (int) (hit >>> 32);
                            segment = i;
                            continue;
                        }
                    }
                    i++;
                }
            }
            encodeSegment(s, segment, n);
            return s.result();
        } finally {
            scratchPool.release(s);
        }
    }

    private void normalize(char[] buf, int start, int end) {
        if (escapeSpaces) {
            for (int i = start; i < end; i++) {
                if (buf[i] == ' ') {
                    buf[i] = METASPACE;
                }
            }
        }
    }

    /** Encodes the text between two added tokens. */
    private void encodeSegment(Scratch s, int start, int end) {
        if (start >= end) {
            return;
        }
        char[] buf = s.text;
        if (matchInRawText) {
            normalize(buf, start, end);
        }
        if (!splitAtMetaspace) {
            encodeWord(s, start, end);
            return;
        }
        int word = start;
        for (int i = start + 1; i < end; i++) {
            if (buf[i] == METASPACE && buf[i - 1] != METASPACE) {
                encodeWord(s, word, i);
                word = i;
            }
        }
        encodeWord(s, word, end);
    }

    private void encodeWord(Scratch s, int start, int end) {
        char[] buf = s.text;
        int whole = -1;
        int rawHash = 0;
        boolean cacheable = false;
        if (end - start > 1) {
            rawHash = PieceTable.rawHash(buf, start, end);
            whole = pieces.idOf(rawHash, buf, start, end);
            if (whole >= 0 && wholeWordState[whole] == SELF) {
                s.add(whole);
                return;
            }
            cacheable = end - start <= WordCache.MAX_WORD_LENGTH;
            if (cacheable) {
                int[] cached = wordCache.get(rawHash, buf, start, end);
                if (cached != null) {
                    for (int id : cached) {
                        s.add(id);
                    }
                    return;
                }
            }
        }
        int first = s.outSize;
        s.ensureSymbols(end - start);
        int[] sym = s.sym;
        int[] pos = s.pos;
        int n = 0;
        for (int i = start; i < end; n++) {
            char c = buf[i];
            pos[n] = i;
            if (Character.isHighSurrogate(c) && i + 1 < end) {
                sym[n] = pieces.idOf(buf, i, i + 2);
                i += 2;
            } else {
                sym[n] = pieces.idOfChar(c);
                i++;
            }
        }
        pos[n] = end;
        n = merger.merge(s, n);
        if (whole >= 0 && wholeWordState[whole] == UNKNOWN) {
            wholeWordState[whole] = n == 1 && sym[0] == whole ? SELF : SPLIT;
        }
        boolean unknownBefore = false;
        for (int k = 0; k < n; k++) {
            int id = sym[k];
            if (id >= 0) {
                s.add(id);
                unknownBefore = false;
            } else {
                unknownBefore = fallBack(s, Character.codePointAt(buf, pos[k]), unknownBefore);
            }
        }
        if (cacheable) {
            wordCache.put(rawHash, buf, start, end, s.out, first, s.outSize);
        }
    }

    /**
     * Emits an unknown character as its UTF-8 byte pieces, or as the unknown piece (consecutive
     * unknown pieces fused into one) when byte fallback is off or a byte piece is missing.
     *
     * @return whether an unknown piece was emitted
     */
    private boolean fallBack(Scratch s, int codePoint, boolean unknownBefore) {
        if (byteFallback) {
            int b0;
            int b1 = -1;
            int b2 = -1;
            int b3 = -1;
            if (codePoint < 0x80) {
                b0 = codePoint;
            } else if (codePoint < 0x800) {
                b0 = 0xC0 | (codePoint >> 6);
                b1 = 0x80 | (codePoint & 0x3F);
            } else if (codePoint < 0x10000) {
                b0 = 0xE0 | (codePoint >> 12);
                b1 = 0x80 | ((codePoint >> 6) & 0x3F);
                b2 = 0x80 | (codePoint & 0x3F);
            } else {
                b0 = 0xF0 | (codePoint >> 18);
                b1 = 0x80 | ((codePoint >> 12) & 0x3F);
                b2 = 0x80 | ((codePoint >> 6) & 0x3F);
                b3 = 0x80 | (codePoint & 0x3F);
            }
            if (byteIds[b0] >= 0 && (b1 < 0 || byteIds[b1] >= 0) && (b2 < 0 || byteIds[b2] >= 0)
                    && (b3 < 0 || byteIds[b3] >= 0)) {
                s.add(byteIds[b0]);
                if (b1 >= 0) {
                    s.add(byteIds[b1]);
                }
                if (b2 >= 0) {
                    s.add(byteIds[b2]);
                }
                if (b3 >= 0) {
                    s.add(byteIds[b3]);
                }
                return false;
            }
        }
        if (unkId < 0) {
            throw new TokenizerException(source, "character U+" + Integer.toHexString(codePoint).toUpperCase()
                    + " has no piece, and the vocabulary has neither byte pieces for it nor an unknown piece");
        }
        if (!unknownBefore) {
            s.add(unkId);
        }
        return true;
    }
}
