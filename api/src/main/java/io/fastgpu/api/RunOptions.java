package io.fastgpu.api;

import java.time.Duration;
import java.util.Map;

/**
 * How to run one command on a task.
 *
 * @param ignoreErrors do not throw when the command exits non-zero
 * @param timeout      kill the command after this long; {@code null} for no limit
 * @param stream       emit each output line as it comes, prefixed with the task name
 * @param env          extra environment for this command only
 */
public record RunOptions(boolean ignoreErrors, Duration timeout, boolean stream, Map<String, String> env) {
    public static final RunOptions DEFAULT = new RunOptions(false, null, false, Map.of());

    public RunOptions {
        env = env == null ? Map.of() : Map.copyOf(env);
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    public RunOptions ignoringErrors() { return new RunOptions(true, timeout, stream, env); }
    public RunOptions withTimeout(Duration t) { return new RunOptions(ignoreErrors, t, stream, env); }
    public RunOptions streaming() { return new RunOptions(ignoreErrors, timeout, true, env); }
    public RunOptions withEnv(Map<String, String> e) { return new RunOptions(ignoreErrors, timeout, stream, e); }
}
