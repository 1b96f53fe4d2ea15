package dev.jgemma.chat;

import dev.jgemma.core.Session;
import dev.jgemma.tokenizer.GemmaTokenizer;
import dev.jgemma.tokenizer.StreamingDecoder;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One reply: feeds the prompt tokens the cache lacks, then samples, streams and feeds tokens
 * until a stop token, a stop string, the length limit, a full context or a cancellation. The
 * token that ends the reply is never fed here: the caller feeds the closing
 * {@code <end_of_turn>\n} with the next request. Cancellation is checked before every token and
 * between prompt chunks, so the loop stops within one token of {@code cancelled} turning true.
 */
final class GenerationLoop {
    /** Prompt tokens fed per call, so that a long prompt can be cancelled midway. */
    static final int PREFILL_CHUNK = 64;

    /**
     * What happened.
     *
     * @param tokens the generated tokens, without the stop token
     * @param text the reply text (before any stop string)
     * @param reason why it ended
     * @param usage counts and speeds
     * @param keptTokens how many leading tokens spell a prefix of {@code text} exactly
     * @param leftover the rest of {@code text} after those tokens (non-empty only after a stop
     *     string that begins inside a token)
     */
    record Outcome(int[] tokens, String text, FinishReason reason, Usage usage, int keptTokens, String leftover) {
    }

    private final Session session;
    private final GemmaTokenizer tokenizer;
    private final TokenPicker picker;
    private final GenerationSettings settings;
    private final Consumer<String> sink;
    private final BooleanSupplier cancelled;

    GenerationLoop(Session session, GemmaTokenizer tokenizer, TokenPicker picker, GenerationSettings settings,
                   Consumer<String> sink, BooleanSupplier cancelled) {
        this.session = session;
        this.tokenizer = tokenizer;
        this.picker = picker;
        this.settings = settings;
        this.sink = sink;
        this.cancelled = cancelled;
    }

    /**
     * @param pending the prompt tokens not in the cache yet (at least one)
     * @param startNanos when the request started, for the time to the first token
     */
    Outcome run(int[] pending, long startNanos) {
        long prefillStart = System.nanoTime();
        float[] logits = null;
        for (int done = 0; done < pending.length; ) {
            if (cancelled.getAsBoolean()) {
                long now = System.nanoTime();
                Usage usage = new Usage(done, 0, Duration.ofNanos(now - startNanos), rate(done, now - prefillStart), 0);
                return new Outcome(new int[0], "", FinishReason.CANCELLED, usage, 0, "");
            }
            int n = Math.min(PREFILL_CHUNK, pending.length - done);
            int[] chunk = Arrays.copyOfRange(pending, done, done + n);
            done += n;
            if (done == pending.length) {
                logits = session.prefill(chunk);
            } else {
                session.append(chunk);
            }
        }
        long prefillEnd = System.nanoTime();

        StreamingDecoder decoder = tokenizer.newStreamingDecoder(true);
        StopStringFilter filter = new StopStringFilter(settings.stopStrings());
        int max = settings.maxTokens();
        int[] tokens = new int[Math.min(max, 256)];
        // cleanLength[j]: length of the text of the first j tokens when it is exact, else -1.
        int[] cleanLength = new int[tokens.length + 1];
        int count = 0;
        int textLength = 0;
        int decodes = 0;
        long firstToken = -1;
        FinishReason reason;
        while (true) {
            if (cancelled.getAsBoolean()) {
                reason = FinishReason.CANCELLED;
                break;
            }
            int token = picker.pick(logits);
            if (firstToken < 0) {
                firstToken = System.nanoTime();
            }
            if (token == tokenizer.endOfTurnId() || token == tokenizer.eosId()) {
                reason = FinishReason.STOP_TOKEN;
                break;
            }
            if (count == tokens.length) {
                tokens = Arrays.copyOf(tokens, Math.min(max, tokens.length * 2));
                cleanLength = Arrays.copyOf(cleanLength, tokens.length + 1);
            }
            tokens[count++] = token;
            picker.accept(token);
            String chunk = decoder.accept(token);
            textLength += chunk.length();
            cleanLength[count] = decoder.hasPendingBytes() ? -1 : textLength;
            emit(filter.append(chunk));
            if (filter.stopped()) {
                reason = FinishReason.STOP_STRING;
                break;
            }
            if (count >= max) {
                reason = FinishReason.LENGTH;
                break;
            }
            if (session.position() >= session.maxContext()) {
                reason = FinishReason.CONTEXT_FULL;
                break;
            }
            logits = session.decode(token);
            decodes++;
        }
        String tail = decoder.flush();
        if (!tail.isEmpty()) {
            textLength += tail.length();
            cleanLength[count] = textLength;
            emit(filter.append(tail));
            if (filter.stopped()) {
                reason = FinishReason.STOP_STRING;
            }
        }
        emit(filter.finish());
        long end = System.nanoTime();

        String text = filter.text();
        int kept = count;
        String leftover = "";
        if (reason == FinishReason.STOP_STRING) {
            kept = 0;
            for (int j = count; j > 0; j--) {
                if (cleanLength[j] >= 0 && cleanLength[j] <= text.length()) {
                    kept = j;
                    break;
                }
            }
            leftover = text.substring(kept == 0 ? 0 : cleanLength[kept]);
        }
        Duration ttft = Duration.ofNanos((firstToken < 0 ? end : firstToken) - startNanos);
        double decodeRate = firstToken < 0 ? 0 : rate(decodes, end - firstToken);
        Usage usage = new Usage(pending.length, count, ttft, rate(pending.length, prefillEnd - prefillStart), decodeRate);
        return new Outcome(Arrays.copyOf(tokens, count), text, reason, usage, kept, leftover);
    }

    private void emit(String text) {
        if (!text.isEmpty()) {
            sink.accept(text);
        }
    }

    private static double rate(int tokens, long nanos) {
        return tokens == 0 || nanos <= 0 ? 0 : tokens * 1e9 / nanos;
    }
}
