package io.fastgpu.core.launch.step;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.util.ShellQuote;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What {@code mpirun} from task0 needs, as the original did: task0 has an SSH key, every task trusts it,
 * and task0 knows every task's host key; or, for the nodes of one Slurm allocation, nothing: Slurm starts the ranks.
 */
final class MpiTrust {
    /** The tags a Slurm task has: its node, and its allocation's job id. */
    private static final String SLURM_NODE = "slurm:node";
    private static final String SLURM_JOB = "slurm:jobid";

    private MpiTrust() { }

    static void ensure(List<TaskRuntime> tasks) {
        TaskRuntime t0 = tasks.get(0);
        var key = t0.runRaw("mkdir -p ~/.ssh && chmod 700 ~/.ssh && { [ -f ~/.ssh/id_ed25519 ] ||"
                + " ssh-keygen -q -t ed25519 -N '' -f ~/.ssh/id_ed25519; } && cat ~/.ssh/id_ed25519.pub");
        if (key.exitCode() != 0) {
            throw new FastGpuException(t0.name() + ": cannot make an SSH key for mpirun: " + key.stderr().strip());
        }
        String pub = key.stdout().strip();
        for (TaskRuntime t : tasks) {
            var r = t.runRaw("mkdir -p ~/.ssh && chmod 700 ~/.ssh && touch ~/.ssh/authorized_keys && "
                    + "grep -qxF " + ShellQuote.quote(pub) + " ~/.ssh/authorized_keys || echo " + ShellQuote.quote(pub)
                    + " >> ~/.ssh/authorized_keys; chmod 600 ~/.ssh/authorized_keys");
            if (r.exitCode() != 0) throw new FastGpuException(t.name() + ": cannot trust task0's key: " + r.stderr().strip());
        }
        String ips = tasks.stream().map(TaskRuntime::ip).collect(Collectors.joining(" "));
        t0.runRaw("ssh-keyscan -T 5 " + ips + " >> ~/.ssh/known_hosts 2>/dev/null; sort -u -o ~/.ssh/known_hosts ~/.ssh/known_hosts");
    }

    /**
     * Readies the tasks for mpirun from task0 and returns what its ranks need to take their own task's values
     * (see {@code DistributedLaunch}): every task's home and log folder, one line per task, and the names of
     * the job's env, which travel with the ranks. Tasks that are the nodes of one Slurm allocation get their node
     * names instead of SSH trust: Slurm starts the ranks there.
     */
    static Map<String, String> prepare(List<TaskRuntime> tasks, Set<String> jobEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FASTGPU_MPI_HOMES", tasks.stream().map(TaskRuntime::home).collect(Collectors.joining("\n")));
        env.put("FASTGPU_MPI_LOGDIRS", tasks.stream().map(TaskRuntime::logdir).collect(Collectors.joining("\n")));
        env.put("FASTGPU_MPI_ENV", String.join(" ", jobEnv));
        List<String> nodes = tasks.stream().map(t -> t.instance().tags().getOrDefault(SLURM_NODE, "")).toList();
        long allocations = tasks.stream().map(t -> t.instance().tags().getOrDefault(SLURM_JOB, "")).distinct().count();
        if (allocations == 1 && nodes.stream().noneMatch(String::isEmpty) && nodes.stream().distinct().count() == nodes.size()) {
            env.put("FASTGPU_MPI_SLURM_NODES", String.join(",", nodes));
        } else {
            ensure(tasks);
        }
        return env;
    }
}
