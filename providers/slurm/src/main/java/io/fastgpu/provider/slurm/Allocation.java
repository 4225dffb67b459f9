package io.fastgpu.provider.slurm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One batch job of FastGPU's on a Slurm cluster: it holds the nodes of a job's tasks. Its comment says which
 * job and which tasks: {@code fastgpu job=NAME owner=USER tasks=task0.NAME,task1.NAME} (a released task is
 * {@code -}, so the others keep their node).
 *
 * @param jobId     Slurm's job id
 * @param state     Slurm's state ({@code PENDING}, {@code RUNNING}, ...)
 * @param reason    why it waits (or ended), Slurm's word ({@code Resources}, {@code Priority}, {@code None})
 * @param nodes     the allocated nodes in Slurm's order (empty while pending)
 * @param timeLeft  Slurm's time left ({@code 59:58}, {@code 1-00:00:00}, {@code UNLIMITED})
 * @param submitted when it was submitted
 * @param partition the partition
 * @param gres      the generic resources per node it asked for ({@code gpu:2}), or empty
 * @param job       the FastGPU job
 * @param owner     the FastGPU user who made it
 * @param tasks     the task names, by node index; {@code -} for a released one
 */
record Allocation(String jobId, String state, String reason, List<String> nodes, String timeLeft, Instant submitted,
                  String partition, String gres, String job, String owner, List<String> tasks) {
    static final String PREFIX = "fastgpu ";
    static final String RELEASED = "-";

    Allocation {
        nodes = List.copyOf(nodes);
        tasks = List.copyOf(tasks);
    }

    boolean running() { return state.equals("RUNNING"); }

    boolean pending() { return state.equals("PENDING") || state.equals("CONFIGURING"); }

    /** Whether it still holds or waits for nodes. */
    boolean live() { return running() || pending() || state.equals("SUSPENDED"); }

    /** The comment that says what it holds. */
    static String comment(String job, String owner, List<String> tasks) {
        return PREFIX + "job=" + job + " owner=" + owner + " tasks=" + String.join(",", tasks);
    }

    /** The same allocation with task {@code index} named {@code name}. */
    Allocation withTask(int index, String name) {
        List<String> t = new ArrayList<>(tasks);
        t.set(index, name);
        return new Allocation(jobId, state, reason, nodes, timeLeft, submitted, partition, gres, job, owner, t);
    }

    String comment() { return comment(job, owner, tasks); }

    /** The index of task {@code name}, if it holds it. */
    Optional<Integer> indexOf(String name) {
        int i = tasks.indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(i);
    }

    /** Parses a comment written by {@link #comment}; empty for any other job's. */
    static Optional<Map<String, String>> parseComment(String comment) {
        if (comment == null || !comment.startsWith(PREFIX)) return Optional.empty();
        Map<String, String> m = new java.util.HashMap<>();
        for (String part : comment.substring(PREFIX.length()).strip().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq > 0) m.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return m.containsKey("job") && m.containsKey("tasks") ? Optional.of(m) : Optional.empty();
    }

    /** GPUs per node from its gres ({@code gpu:2}, {@code gres/gpu:a100:8}), 0 when none. */
    int gpusPerNode() {
        for (String g : gres.split(",")) {
            String s = g.replace("gres:", "").replace("gres/", "");
            if (!s.startsWith("gpu")) continue;
            String[] p = s.split(":");
            try {
                return p.length == 1 ? 1 : Integer.parseInt(p[p.length - 1]);
            } catch (NumberFormatException e) {
                return 1;
            }
        }
        return 0;
    }
}
