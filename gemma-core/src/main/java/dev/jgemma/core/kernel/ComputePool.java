package dev.jgemma.core.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A dedicated pool of compute threads for data-parallel loops (never the common ForkJoin pool).
 * Decode issues hundreds of small parallel matrix-vector products per token, so a job costs one
 * volatile write and a few unparks: workers spin briefly before parking. The calling thread takes
 * part in every job. Jobs from several callers are serialised; a task must not start a nested job.
 */
public final class ComputePool implements AutoCloseable {

    /** A loop body over a range of indices. */
    @FunctionalInterface
    public interface RangeTask {
        /**
         * @param from first index, inclusive
         * @param to last index, exclusive
         * @param worker the running thread's slot, {@code 0 <= worker < threads()}, for scratch buffers
         */
        void run(int from, int to, int worker);
    }

    private static final int SPINS = 1 << 14;

    private final int threads;
    private final Thread[] workers;
    private final Object jobLock = new Object();
    private volatile boolean closed;

    // The current job, published by the volatile write of epoch.
    private RangeTask task;
    private int size;
    private int grain;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile long epoch;
    private volatile Thread caller;

    /**
     * @param threads total threads including the caller; at least 1
     */
    public ComputePool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int slot = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("jgemma-compute-" + slot).unstarted(() -> workLoop(slot));
            workers[i].start();
        }
    }

    /** @return the number of threads that run a job, the caller included */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over {@code [0, n)} in chunks of at least {@code minChunk}, on all threads.
     *
     * @param n the index count
     * @param minChunk the smallest chunk worth a hand-off
     * @param task the loop body
     */
    public void parallelFor(int n, int minChunk, RangeTask task) {
        if (n <= 0) {
            return;
        }
        int chunk = Math.max(Math.max(1, minChunk), (n + threads * 4 - 1) / (threads * 4));
        if (threads == 1 || n <= chunk) {
            task.run(0, n, 0);
            return;
        }
        synchronized (jobLock) {
            if (closed) {
                throw new IllegalStateException("the compute pool is closed");
            }
            this.task = task;
            this.size = n;
            this.grain = chunk;
            next.set(0);
            failure.set(null);
            pending.set(workers.length);
            caller = Thread.currentThread();
            epoch = epoch + 1; // publishes the job
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            runChunks(0);
            int spins = 0;
            while (pending.get() > 0) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 50_000);
                }
            }
            this.task = null;
            Throwable t = failure.get();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }

    private void runChunks(int worker) {
        RangeTask t = task;
        int n = size;
        int g = grain;
        try {
            for (int from = next.getAndAdd(g); from < n; from = next.getAndAdd(g)) {
                t.run(from, Math.min(n, from + g), worker);
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
            next.set(n);
        }
    }

    private void workLoop(int slot) {
        long seen = 0;
        while (true) {
            int spins = 0;
            while (epoch == seen) {
                if (closed) {
                    return;
                }
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = epoch;
            runChunks(slot);
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    /** Stops the worker threads. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
