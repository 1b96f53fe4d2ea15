package dev.jgemma.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgemma.core.ContextOverflowException;
import dev.jgemma.core.Session;
import dev.jgemma.core.sampling.Sampler;
import dev.jgemma.core.sampling.SamplingParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Conversation behaviour on the {@code vocab256k} model: memory across turns through the KV
 * cache, the stop token, fork/undo/clear/save, seeds, cancellation, parallel conversations and
 * context overflow. Where a reference would be our own output, the check is a consistency one:
 * the cached path against a fresh run over the same token ids.
 */
class ConversationTest {

    static Gemma model() {
        return TestModels.gguf();
    }

    /** Greedy continuation of {@code prompt} on a fresh session, straight through the core API. */
    static List<Integer> freshGreedy(Gemma g, int[] prompt, int n) {
        Session s = g.model().newSession();
        float[] logits = s.prefill(prompt);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int t = Session.argmax(logits);
            if (t == 107 || t == 1) {
                break;
            }
            out.add(t);
            logits = s.decode(t);
        }
        return out;
    }

    @Test
    void eachTurnReadsOnlyItsNewTokensAndEqualsAFreshRunOverTheWholeHistory() {
        Gemma g = model();
        Conversation c = g.chat().maxTokens(8);
        String[] messages = {"Hello there.", "Tell me more!", "Und jetzt auf Deutsch, bitte."};
        for (int turn = 0; turn < messages.length; turn++) {
            int before = c.tokens().length;
            int cached = c.cachedTokens();
            String savedBefore = c.toJson();
            Reply r = c.send(messages[turn]);
            int[] tokens = c.tokens();
            int promptEnd = tokens.length - r.tokens().size() - 2; // the reply and its <end_of_turn>\n follow the prompt
            assertThat(r.usage().promptTokens()).as("turn %d reads what the cache lacks", turn).isEqualTo(promptEnd - cached);
            if (turn > 0) {
                assertThat(cached).as("the cache kept the earlier turns").isGreaterThanOrEqualTo(before - 3);
                assertThat(r.usage().promptTokens()).isLessThan(promptEnd / 2 + 20);
            }
            // The same ids through a fresh session give the same reply.
            assertThat(r.tokens()).isEqualTo(freshGreedy(g, Arrays.copyOf(tokens, promptEnd), 8));
            // A conversation restored from the saved history (read in full) gives it too.
            Reply again = g.restore(savedBefore).send(messages[turn]);
            assertThat(again.tokens()).isEqualTo(r.tokens());
            assertThat(again.text()).isEqualTo(r.text());
            assertThat(again.usage().promptTokens()).isEqualTo(promptEnd);
        }
        int[] tokens = c.tokens();
        assertThat(Arrays.stream(tokens).filter(t -> t == 2).count()).as("one <bos>").isEqualTo(1);
        assertThat(tokens[0]).isEqualTo(2);
        assertThat(c.messages()).hasSize(6);
    }

    @Test
    void theStopTokenEndsTheReplyAndIsFedWithTheNextTurn() {
        Gemma g = model();
        Conversation c = g.chat().maxTokens(8).logitBias(Map.of(107, 1000f));
        Reply r = c.send("Say nothing.");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP_TOKEN);
        assertThat(r.text()).isEmpty();
        assertThat(r.tokens()).isEmpty();
        assertThat(r.usage().generatedTokens()).isZero();
        int[] tokens = c.tokens();
        assertThat(Arrays.copyOfRange(tokens, tokens.length - 5, tokens.length)).containsExactly(106, 2516, 108, 107, 108);
        assertThat(c.cachedTokens()).as("<end_of_turn>\\n not fed yet").isEqualTo(tokens.length - 2);

        c.logitBias(Map.of());
        Reply next = c.send("Now talk.");
        int[] after = c.tokens();
        int promptEnd = after.length - next.tokens().size() - 2;
        assertThat(next.usage().promptTokens()).isEqualTo(promptEnd - (tokens.length - 2));
        assertThat(Arrays.copyOfRange(after, tokens.length - 2, tokens.length + 1)).containsExactly(107, 108, 106);
        assertThat(next.tokens()).isEqualTo(freshGreedy(g, Arrays.copyOf(after, promptEnd), 8));
    }

    @Test
    void eosAlsoStopsAndTheTurnStillClosesWithEndOfTurn() {
        Conversation c = model().chat().maxTokens(8).logitBias(Map.of(1, 1000f));
        Reply r = c.send("Stop.");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP_TOKEN);
        int[] tokens = c.tokens();
        assertThat(Arrays.copyOfRange(tokens, tokens.length - 2, tokens.length)).containsExactly(107, 108);
        assertThat(Arrays.stream(tokens).filter(t -> t == 1).count()).isZero();
    }

    @Test
    void theSameSeedGivesTheSameTextAndOtherSeedsDiffer() {
        Gemma g = model();
        Reply a = g.chat().temperature(1.0).topK(50).seed(42).maxTokens(12).send("Tell me a story.");
        Reply b = g.chat().temperature(1.0).topK(50).seed(42).maxTokens(12).send("Tell me a story.");
        Reply c = g.chat().temperature(1.0).topK(50).seed(43).maxTokens(12).send("Tell me a story.");
        assertThat(b.text()).isEqualTo(a.text());
        assertThat(b.tokens()).isEqualTo(a.tokens());
        assertThat(c.tokens()).isNotEqualTo(a.tokens());
        // Sampling really samples: not the greedy reply.
        assertThat(a.tokens()).isNotEqualTo(g.chat().maxTokens(12).send("Tell me a story.").tokens());
    }

    @Test
    void forkContinuesIndependently() {
        Gemma g = model();
        Conversation a = g.chat().maxTokens(6);
        a.send("First.");
        Conversation b = a.fork();
        assertThat(b.tokens()).isEqualTo(a.tokens());
        int cachedAtFork = b.cachedTokens();
        assertThat(cachedAtFork).isEqualTo(a.cachedTokens()).isPositive();
        a.send("Second, A.");
        Reply rb = b.send("Second, B.");
        assertThat(b.messages().get(2).content()).isEqualTo("Second, B.");
        assertThat(a.messages().get(2).content()).isEqualTo("Second, A.");
        assertThat(rb.usage().promptTokens()).as("the fork kept the cache")
                .isEqualTo(b.tokens().length - rb.tokens().size() - 2 - cachedAtFork);
        Conversation c = g.restore(a.toJson());
        c.undo();
        assertThat(c.send("Second, B.").tokens()).isEqualTo(rb.tokens());
    }

    @Test
    void undoTakesBackTheLastExchangeAndTheSameMessageGivesTheSameReply() {
        Conversation c = model().chat().maxTokens(6);
        c.send("One.");
        int[] afterOne = c.tokens();
        Reply two = c.send("Two.");
        c.undo();
        assertThat(c.tokens()).isEqualTo(afterOne);
        assertThat(c.messages()).hasSize(2);
        assertThat(c.cachedTokens()).isLessThanOrEqualTo(afterOne.length);
        Reply again = c.send("Two.");
        assertThat(again.tokens()).isEqualTo(two.tokens());
        c.undo().undo();
        assertThat(c.tokens()).isEmpty();
        assertThat(c.cachedTokens()).isZero();
        assertThatThrownBy(c::undo).isInstanceOf(IllegalStateException.class).hasMessageContaining("nothing to undo");
    }

    @Test
    void undoFarBackReadsTheHistoryAgain() {
        Gemma g = model();
        Conversation c = g.chat().maxTokens(2);
        c.send("One.");
        int[] afterOne = c.tokens();
        c.send("Two, with a long message: " + "one two three four five six seven eight nine ten ".repeat(14));
        // 140+ tokens back: a sliding-window ring keeps one prefill batch (128 by default) beyond its window
        c.undo();
        assertThat(c.tokens()).isEqualTo(afterOne);
        assertThat(c.cachedTokens()).isZero();
        Reply r = c.maxTokens(6).send("Three.");
        int promptEnd = c.tokens().length - r.tokens().size() - 2;
        assertThat(r.usage().promptTokens()).isEqualTo(promptEnd);
        assertThat(r.tokens()).isEqualTo(freshGreedy(g, Arrays.copyOf(c.tokens(), promptEnd), 6));
    }

    @Test
    void clearForgetsTheMessagesButKeepsSettingsAndSystem() {
        Gemma g = model();
        Conversation c = g.chat().system("Be brief.").temperature(0.5).seed(7).maxTokens(5);
        Reply first = c.send("Hi");
        c.send("More");
        c.clear();
        assertThat(c.tokens()).isEmpty();
        assertThat(c.messages()).isEmpty();
        assertThat(c.cachedTokens()).isZero();
        assertThat(c.systemText()).contains("Be brief.");
        assertThat(c.settings().sampling().temperature()).isEqualTo(0.5);
        assertThat(c.send("Hi").tokens()).isEqualTo(first.tokens());
    }

    @Test
    void systemTextIsFoldedIntoTheFirstUserTurn() {
        Gemma g = model();
        Conversation c = g.chat().system("  Be brief.\n").maxTokens(1);
        c.send("  Hi  ");
        int[] expected = ChatTemplate.concat(new int[] {2, 106}, g.tokenizer().encode("user\nBe brief.\n\nHi"),
                new int[] {107, 108, 106, 2516, 108});
        assertThat(Arrays.copyOf(c.tokens(), expected.length)).containsExactly(expected);
        // Changing it later re-reads the history with the new text.
        c.system("Be verbose.");
        int[] changed = ChatTemplate.concat(new int[] {2, 106}, g.tokenizer().encode("user\nBe verbose.\n\nHi"));
        assertThat(Arrays.copyOf(c.tokens(), changed.length)).containsExactly(changed);
        assertThat(c.cachedTokens()).isLessThan(changed.length);
        c.system("");
        assertThat(c.systemText()).isEmpty();
        int[] none = ChatTemplate.concat(new int[] {2, 106}, g.tokenizer().encode("user\nHi"), new int[] {107});
        assertThat(Arrays.copyOf(c.tokens(), none.length)).containsExactly(none);
    }

    @Test
    void savedConversationsRestoreExactly() {
        Gemma g = model();
        Conversation c = g.chat().system("You are terse.").temperature(0.8).topK(40).topP(0.9).minP(0.05)
                .repetitionPenalty(1.1).seed(5).maxTokens(7).stopStrings("\n\n", "END").logitBias(Map.of(3, -1.5f, 0,
                        Float.NEGATIVE_INFINITY)).overflowPolicy(OverflowPolicy.DROP_OLDEST);
        c.send("Hello");
        c.send("Again");
        String json = c.toJson();
        Conversation r = g.restore(json);
        assertThat(r.toJson()).isEqualTo(json);
        assertThat(r.tokens()).isEqualTo(c.tokens());
        assertThat(r.messages()).isEqualTo(c.messages());
        assertThat(r.settings()).isEqualTo(c.settings());
        assertThat(r.overflowPolicy()).isEqualTo(OverflowPolicy.DROP_OLDEST);
        assertThat(r.cachedTokens()).isZero();
        Reply fromCache = c.send("Third");
        Reply restored = r.send("Third");
        assertThat(restored.tokens()).isEqualTo(fromCache.tokens());
        assertThat(restored.text()).isEqualTo(fromCache.text());
    }

    @Test
    void historyCanBeGivenAsMessagesAndMustAlternate() {
        Gemma g = model();
        Conversation c = g.chat().add(Message.system("Sys"), Message.user("u1"), Message.model("m1"));
        assertThat(c.systemText()).contains("Sys");
        assertThat(c.messages()).containsExactly(Message.user("u1"), Message.model("m1"));
        assertThatThrownBy(() -> g.chat().add(Message.model("m"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message 0").hasMessageContaining("user message must come next");
        assertThatThrownBy(() -> g.chat().add(Message.user("u"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("send the last user message with send()");
        assertThatThrownBy(() -> g.chat().add(Message.user("u"), Message.user("v"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message 1");
        assertThatThrownBy(() -> c.add(Message.system("late"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("system message can only come first");
        assertThatThrownBy(() -> c.add((Message) null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.add((List<Message>) null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(c.messages()).hasSize(2); // failed calls changed nothing
        assertThat(Message.Role.parse("assistant")).isEqualTo(Message.Role.MODEL);
        assertThatThrownBy(() -> Message.Role.parse("tool")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tool");
        assertThatThrownBy(() -> Message.user(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyUserMessagesAreAllowedAsTheTemplateRendersThem() {
        Map<String, Object> empty = ChatFixtures.chatCase("empty-user");
        Conversation c = model().chat().maxTokens(1);
        c.send("");
        int[] ids = ChatFixtures.ints(empty.get("ids"));
        assertThat(Arrays.copyOf(c.tokens(), ids.length)).containsExactly(ids);
    }

    @Test
    void badSettingsAndMessagesAreRejectedAndTheConversationStaysUsable() {
        Conversation c = model().chat().maxTokens(2);
        assertThatThrownBy(() -> c.send(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("message");
        assertThatThrownBy(() -> c.stream(null, t -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.stream("x", null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("callback");
        assertThatThrownBy(() -> c.temperature(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
        assertThatThrownBy(() -> c.temperature(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.topK(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topK");
        assertThatThrownBy(() -> c.topP(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topP");
        assertThatThrownBy(() -> c.topP(1.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topP");
        assertThatThrownBy(() -> c.minP(1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minP");
        assertThatThrownBy(() -> c.repetitionPenalty(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("repetitionPenalty");
        assertThatThrownBy(() -> c.maxTokens(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTokens");
        assertThatThrownBy(() -> c.stopStrings("ok", "")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stop");
        assertThatThrownBy(() -> c.stopStrings((String[]) null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.stopStrings("a", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.logitBias(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.logitBias(Map.of(5, Float.NaN))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.system(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.settings(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.overflowPolicy(null)).isInstanceOf(IllegalArgumentException.class);
        // A logit bias naming a token outside the vocabulary fails the reply, which is taken back.
        c.logitBias(Map.of(300_000, 1f));
        assertThatThrownBy(() -> c.send("Hi")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("300000");
        assertThat(c.tokens()).isEmpty();
        assertThat(c.settings().maxTokens()).isEqualTo(2);
        c.logitBias(Map.of());
        assertThat(c.send("Hi").tokens()).hasSize(2);
    }

    @Test
    void aFailingCallbackFailsTheReplyAndTheMessageIsTakenBack() {
        Conversation c = model().chat().maxTokens(4);
        c.send("Before.");
        int[] before = c.tokens();
        Generation g = c.stream("Boom.", t -> {
            throw new IllegalStateException("callback exploded");
        });
        assertThatThrownBy(g::await).isInstanceOf(IllegalStateException.class).hasMessage("callback exploded");
        assertThat(c.tokens()).isEqualTo(before);
        assertThat(c.cachedTokens()).isLessThanOrEqualTo(before.length);
        Reply r = c.send("After.");
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        int promptEnd = c.tokens().length - r.tokens().size() - 2;
        assertThat(r.tokens()).isEqualTo(freshGreedy(model(), Arrays.copyOf(c.tokens(), promptEnd), 4));
    }

    /** A greedy picker that stops at a given pick until released, so tests can act mid-reply. */
    static final class Gate implements TokenPicker {
        final Sampler greedy = new Sampler(SamplingParameters.greedy(), 0);
        final int stopAt;
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger picks = new AtomicInteger();

        Gate(int stopAt) {
            this.stopAt = stopAt;
        }

        @Override
        public int pick(float[] logits) {
            if (picks.incrementAndGet() == stopAt) {
                reached.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return greedy.sample(logits);
        }

        @Override
        public void accept(int token) {
        }
    }

    @Test
    void cancellationStopsWithinOneTokenAndTheNextSendWorks() throws InterruptedException {
        Gemma g = model();
        Gate gate = new Gate(5);
        Conversation c = g.chat().maxTokens(200).pickers(s -> gate);
        List<String> chunks = new ArrayList<>();
        Generation run = c.stream("Talk a lot.", chunks::add);
        assertThat(gate.reached.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.isDone()).isFalse();
        assertThat(run.cancel()).isTrue();
        gate.release.countDown();
        Reply r = run.await();
        assertThat(r.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(gate.picks.get()).as("no token picked after cancel()").isEqualTo(5);
        assertThat(r.tokens()).hasSize(5);
        assertThat(String.join("", chunks)).isEqualTo(r.text());
        assertThat(run.cancel()).isFalse();

        c.pickers(null);
        Reply next = c.maxTokens(4).send("Shorter, please.");
        assertThat(next.finishReason()).isEqualTo(FinishReason.LENGTH);
        int promptEnd = c.tokens().length - next.tokens().size() - 2;
        assertThat(next.tokens()).isEqualTo(freshGreedy(g, Arrays.copyOf(c.tokens(), promptEnd), 4));
        assertThat(c.messages().get(1).content()).isEqualTo(r.text());
    }

    @Test
    void cancellingRightAwayOrThroughTheFutureOrAnInterruptStopsTheReply() throws Exception {
        Conversation c = model().chat().maxTokens(500);
        Generation g = c.stream("x".repeat(300), t -> { });
        g.cancel();
        Reply r = g.await();
        assertThat(r.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(r.tokens().size()).isLessThan(500);

        Generation viaFuture = c.stream("More.", t -> { });
        viaFuture.future().cancel(true);
        assertThat(viaFuture.await().finishReason()).isEqualTo(FinishReason.CANCELLED);

        Thread.currentThread().interrupt();
        try {
            Reply interrupted = c.send("Interrupted.");
            assertThat(interrupted.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(interrupted.tokens()).isEmpty();
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt flag stays set").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(c.maxTokens(3).send("Fine again.").finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(c.messages()).hasSize(8);
    }

    @Test
    void whileAReplyRunsTheConversationRefusesOtherWorkButAcceptsSettings() throws InterruptedException {
        Gate gate = new Gate(2);
        Conversation c = model().chat().maxTokens(3).pickers(s -> gate);
        Generation run = c.stream("Hi", t -> { });
        assertThat(gate.reached.await(60, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> c.send("again")).isInstanceOf(IllegalStateException.class).hasMessageContaining("being generated");
        assertThatThrownBy(() -> c.stream("again", t -> { })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::fork).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::undo).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::clear).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::toJson).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.add(Message.user("u"), Message.model("m"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.system("new")).isInstanceOf(IllegalStateException.class);
        c.temperature(0.3); // settings apply from the next reply
        gate.release.countDown();
        assertThat(run.await().tokens()).hasSize(3);
        assertThat(c.settings().sampling().temperature()).isEqualTo(0.3);
        assertThat(c.messages()).hasSize(2);
    }

    @Test
    void awaitFromTheCallbackIsRefusedInsteadOfDeadlocking() {
        Conversation c = model().chat().maxTokens(3);
        Generation[] self = new Generation[1];
        CountDownLatch assigned = new CountDownLatch(1);
        List<Throwable> seen = new ArrayList<>();
        self[0] = c.stream("Hi", t -> {
            try {
                assigned.await();
                self[0].await();
            } catch (IllegalStateException | InterruptedException e) {
                seen.add(e);
            }
        });
        assigned.countDown();
        self[0].await();
        assertThat(seen).isNotEmpty().allMatch(e -> e.getMessage().contains("wait forever"));
    }

    @Test
    void fourConversationsInParallelGiveExactlyTheirSequentialReplies() throws Exception {
        Gemma g = model();
        List<Callable<List<Reply>>> jobs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            jobs.add(() -> {
                Conversation c = g.chat().temperature(0.9).topP(0.95).seed(100 + n).maxTokens(10);
                List<Reply> replies = new ArrayList<>();
                replies.add(c.stream("Conversation " + n + ", first message.", t -> { }).await());
                replies.add(c.send("Second message of " + n + "."));
                return replies;
            });
        }
        List<List<Reply>> sequential = new ArrayList<>();
        for (Callable<List<Reply>> job : jobs) {
            sequential.add(job.call());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Reply>>> parallel = pool.invokeAll(jobs);
            for (int i = 0; i < 4; i++) {
                List<Reply> p = parallel.get(i).get();
                for (int turn = 0; turn < 2; turn++) {
                    assertThat(p.get(turn).text()).isEqualTo(sequential.get(i).get(turn).text());
                    assertThat(p.get(turn).tokens()).isEqualTo(sequential.get(i).get(turn).tokens());
                }
            }
        } finally {
            pool.shutdown();
        }
        assertThat(sequential.get(0).get(0).tokens()).isNotEqualTo(sequential.get(1).get(0).tokens());
    }

    @Test
    void contextOverflowFailsBeforeAnythingRunsByDefault() {
        try (Gemma small = Gemma.builder(ChatFixtures.gguf()).threads(2).maxContext(48).build()) {
            Conversation c = small.chat().maxTokens(4);
            c.send("Hi");
            int[] before = c.tokens();
            String long1 = "word ".repeat(40);
            assertThatThrownBy(() -> c.send(long1)).isInstanceOf(ContextOverflowException.class)
                    .hasMessageContaining("48").hasMessageContaining("DROP_OLDEST");
            assertThat(c.tokens()).isEqualTo(before);
            assertThat(c.send("Ok").finishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP_TOKEN);
            assertThatThrownBy(() -> small.chat().send("word ".repeat(60))).isInstanceOf(ContextOverflowException.class)
                    .hasMessageContaining("at most 48");
            // A reply that fills the context ends with CONTEXT_FULL.
            Conversation full = small.chat().maxTokens(1000);
            Reply r = full.send("Fill it.");
            assertThat(r.finishReason()).isEqualTo(FinishReason.CONTEXT_FULL);
            assertThat(full.cachedTokens()).isEqualTo(48);
        }
    }

    @Test
    void dropOldestForgetsWholeExchangesAndKeepsTheSystemText() {
        try (Gemma small = Gemma.builder(ChatFixtures.gguf()).threads(2).maxContext(48).build()) {
            Conversation c = small.chat().system("Sys.").maxTokens(4).overflowPolicy(OverflowPolicy.DROP_OLDEST);
            c.send("First message here.");
            c.send("Second message here.");
            Reply third = c.send("Third message, which needs room.");
            List<Message> kept = c.messages();
            assertThat(kept).hasSize(4);
            assertThat(kept.get(0).content()).isEqualTo("Second message here.");
            assertThat(kept.get(2).content()).isEqualTo("Third message, which needs room.");
            assertThat(kept.get(3).content()).isEqualTo(third.text());
            int[] tokens = c.tokens();
            assertThat(tokens[0]).isEqualTo(2);
            String firstTurn = small.tokenizer().decode(Arrays.copyOfRange(tokens, 2, 10));
            assertThat(firstTurn).startsWith("user\nSys.\n\n");
            int promptEnd = tokens.length - third.tokens().size() - 2;
            assertThat(third.tokens()).isEqualTo(freshGreedy(small, Arrays.copyOf(tokens, promptEnd), 4));
            assertThatThrownBy(() -> c.send("x ".repeat(80))).isInstanceOf(ContextOverflowException.class)
                    .hasMessageContaining("alone");
        }
    }

    @Test
    void completeContinuesPlainTextWithoutTheChatFormat() {
        Gemma g = model();
        Reply r = g.complete("The capital of France is", GenerationSettings.defaults().maxTokens(6));
        int[] prompt = ChatTemplate.concat(new int[] {2}, g.tokenizer().encode("The capital of France is"));
        assertThat(r.tokens()).isEqualTo(freshGreedy(g, prompt, 6));
        assertThat(r.usage().promptTokens()).isEqualTo(prompt.length);
        assertThatThrownBy(() -> g.complete(null, GenerationSettings.defaults())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> g.complete("x", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
