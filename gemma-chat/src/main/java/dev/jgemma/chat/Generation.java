package dev.jgemma.chat;

import dev.jgemma.core.GemmaException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * A reply being generated, like OkHttp's {@code Call}: wait for it, cancel it, or consume it
 * asynchronously. Returned by {@link Conversation#stream}; text chunks go to the callback given
 * there, on the generation's thread.
 *
 * <pre>{@code
 * Generation g = conversation.stream("Tell me a story.", System.out::print);
 * // ... later, from any thread:
 * g.cancel();
 * Reply r = g.await();          // FinishReason.CANCELLED, the text generated so far
 * }</pre>
 *
 * <p>Thread-safe. A cancelled reply still completes normally, with
 * {@link FinishReason#CANCELLED} and the text generated until then; it stays in the conversation
 * like any other reply.
 */
public final class Generation {
    private final CompletableFuture<Reply> future = new CompletableFuture<>();
    private volatile boolean cancelRequested;
    private volatile Thread runner;

    Generation() {
    }

    /** Runs the body on the current thread and completes this generation with its outcome. */
    void run(Supplier<Reply> body) {
        runner = Thread.currentThread();
        try {
            future.complete(body.get());
        } catch (Throwable t) {
            future.completeExceptionally(t);
        } finally {
            runner = null;
        }
    }

    /** Completes this generation with a failure without running it. */
    void fail(Throwable t) {
        future.completeExceptionally(t);
    }

    /** @return whether {@link #cancel()} was called */
    boolean cancelRequested() {
        return cancelRequested;
    }

    /**
     * Asks the generation to stop. It stops within one token: at most one more token is
     * generated after this returns. The reply then completes with
     * {@link FinishReason#CANCELLED}. Does nothing if it has already finished.
     *
     * @return true if the generation was still running
     */
    public boolean cancel() {
        cancelRequested = true;
        return !future.isDone();
    }

    /** @return whether the reply is complete (in any way, failures included) */
    public boolean isDone() {
        return future.isDone();
    }

    /**
     * Waits for the reply. If the waiting thread is interrupted, the generation is cancelled,
     * its (cancelled) reply is returned and the thread's interrupt flag is set again.
     *
     * @return the reply
     * @throws IllegalStateException if called from the generation's own text callback (it would
     *     wait for itself forever)
     * @throws RuntimeException whatever made the generation fail, for example an exception thrown
     *     by the text callback or {@link IllegalStateException} if the model was closed
     */
    public Reply await() {
        if (Thread.currentThread() == runner) {
            throw new IllegalStateException("await() was called from the generation's own text callback; it would wait forever");
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            cancel();
            try {
                return future.join();
            } catch (RuntimeException failure) {
                throw unwrap(failure.getCause() != null ? failure.getCause() : failure);
            } finally {
                Thread.currentThread().interrupt();
            }
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    /**
     * The reply as a future, for asynchronous composition. Cancelling the returned future
     * cancels the generation (the generation itself then still completes with its cancelled
     * reply, visible through {@link #await()}).
     *
     * @return a future completed with the reply, or exceptionally with the failure
     */
    public CompletableFuture<Reply> future() {
        CompletableFuture<Reply> view = future.copy();
        view.whenComplete((r, e) -> {
            if (e instanceof CancellationException) {
                cancel();
            }
        });
        return view;
    }

    private static RuntimeException unwrap(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new GemmaException("the generation failed: " + t, t);
    }
}
