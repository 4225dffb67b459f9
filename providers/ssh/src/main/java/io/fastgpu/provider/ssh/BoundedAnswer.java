package io.fastgpu.provider.ssh;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A question to a host that is waited for a bounded time, its login included: a host that takes connections and
 * never greets would otherwise hold the asker for the connect and login timeouts. One left unanswered runs on, on a
 * daemon thread, until its own timeouts end it.
 */
final class BoundedAnswer {
    /** How long a host may take to answer a question that does nothing much. */
    static final Duration WITHIN = Duration.ofSeconds(5);

    private static final ExecutorService ASKING = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fastgpu-ssh-probe");
        t.setDaemon(true);
        return t;
    });

    private BoundedAnswer() { }

    /** What {@code question} gives within {@link #WITHIN}; empty when it failed or took longer. */
    static <T> Optional<T> of(Supplier<T> question) {
        CompletableFuture<T> asked = CompletableFuture.supplyAsync(question, ASKING);
        try {
            return Optional.ofNullable(asked.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException | ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
