package io.fastgpu.api;

import java.io.InputStream;
import java.time.Duration;
import java.util.Map;

/**
 * How to run one command on a task.
 *
 * @param ignoreErrors do not throw when the command exits non-zero
 * @param timeout      kill the command after this long; {@code null} for no limit
 * @param stream       emit each output line as it comes, prefixed with the task name
 * @param env          extra environment for this command only
 * @param input        the command's standard input, read as the command reads it; {@code null} for none (the
 *                     command reads end of input at once). Not closed here: the caller owns it.
 */
public record RunOptions(boolean ignoreErrors, Duration timeout, boolean stream, Map<String, String> env, InputStream input) {
    public static final RunOptions DEFAULT = new RunOptions(false, null, false, Map.of(), null);

    public RunOptions {
        env = env == null ? Map.of() : Map.copyOf(env);
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    public RunOptions ignoringErrors() { return new RunOptions(true, timeout, stream, env, input); }
    public RunOptions withTimeout(Duration t) { return new RunOptions(ignoreErrors, t, stream, env, input); }
    public RunOptions streaming() { return new RunOptions(ignoreErrors, timeout, true, env, input); }
    public RunOptions withEnv(Map<String, String> e) { return new RunOptions(ignoreErrors, timeout, stream, e, input); }
    /** The command reads {@code in} as its standard input (as {@code ssh HOST CMD < file} does). */
    public RunOptions withInput(InputStream in) { return new RunOptions(ignoreErrors, timeout, stream, env, in); }
}
