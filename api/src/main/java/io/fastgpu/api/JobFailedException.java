package io.fastgpu.api;

import java.util.List;
import java.util.stream.Collectors;

/** Some tasks of a job operation failed; each failure names its task and cause. */
public class JobFailedException extends FastGpuException {
    /** One task's failure. */
    public record TaskFailure(String task, RuntimeException cause) { }

    private final List<TaskFailure> failures;

    public JobFailedException(String operation, List<TaskFailure> failures) {
        super(failures.size() + " task(s) failed to " + operation + ": " + failures.stream()
                .map(f -> f.cause().getMessage() == null ? f.task() + ": " + f.cause() : prefixed(f))
                .collect(Collectors.joining("; ")));
        this.failures = List.copyOf(failures);
    }

    private static String prefixed(TaskFailure f) {
        String m = f.cause().getMessage();
        return m.startsWith(f.task()) ? m : f.task() + ": " + m;
    }

    public List<TaskFailure> failures() { return failures; }
}
