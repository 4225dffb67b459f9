package io.fastgpu.core.job;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.util.ShellQuote;

import java.util.Locale;

/**
 * Renders a distributed start of one command across a job's tasks, from the environment every task has
 * ({@code FASTGPU_NODE_RANK}, {@code FASTGPU_NUM_NODES}, {@code FASTGPU_MASTER_ADDR}, ...), so the same
 * text runs on each node.
 */
public final class DistributedLaunch {
    /** How the processes are started. */
    public enum Kind {
        /** FastGPU starts {@code nproc} processes per node with RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT. */
        ENV,
        /** {@code torchrun --nnodes --node_rank --nproc_per_node --master_addr --master_port} on every node. */
        TORCHRUN,
        /** {@code mpirun} from task0 over the hostfile; task0's key is made trusted by every task first. */
        MPIRUN;

        public static Kind parse(String s) {
            try {
                return valueOf(s.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidSpecException("launcher must be env, torchrun or mpirun, was '" + s + "'");
            }
        }

        /** Whether the rendered command runs on every task (else on task0 only). */
        public boolean onEveryNode() { return this != MPIRUN; }
    }

    private DistributedLaunch() { }

    /**
     * @param nproc processes per node; 0 for the GPUs per node (at least 1)
     */
    public static String render(Kind kind, String command, int nproc) {
        String perNode = nproc > 0 ? String.valueOf(nproc) : "$(( ${FASTGPU_GPUS_PER_NODE:-0} > 0 ? FASTGPU_GPUS_PER_NODE : 1 ))";
        return switch (kind) {
            case ENV -> env(command, perNode);
            case TORCHRUN -> "torchrun --nnodes=\"$FASTGPU_NUM_NODES\" --node_rank=\"$FASTGPU_NODE_RANK\" --nproc_per_node="
                    + perNode + " --master_addr=\"$FASTGPU_MASTER_ADDR\" --master_port=\"$FASTGPU_MASTER_PORT\" "
                    + command.strip().replaceFirst("^python3? +", "");
            case MPIRUN -> "__fg_g=" + perNode + "\n"
                    + "mpirun --allow-run-as-root -np $((FASTGPU_NUM_NODES * __fg_g)) --npernode \"$__fg_g\""
                    + " --hostfile \"$FASTGPU_HOSTFILE\" --bind-to none -x NCCL_DEBUG=INFO -x PATH -x PYTHONPATH"
                    + " -x LD_LIBRARY_PATH -x MASTER_ADDR=\"$FASTGPU_MASTER_ADDR\" -x MASTER_PORT=\"$FASTGPU_MASTER_PORT\" "
                    + command.strip();
        };
    }

    /**
     * One process per slot, each in its own process group; the first that fails takes the others down,
     * and the message names its rank, node and exit code.
     */
    private static String env(String command, String perNode) {
        // A subshell: the ranks' variables must not become the task's saved shell state.
        return "(\n__fg_g=" + perNode + "; __fg_r=$FASTGPU_NODE_RANK\n"
                + "export WORLD_SIZE=$((FASTGPU_NUM_NODES * __fg_g)) LOCAL_WORLD_SIZE=$__fg_g NODE_RANK=$__fg_r"
                + " MASTER_ADDR=\"$FASTGPU_MASTER_ADDR\" MASTER_PORT=\"$FASTGPU_MASTER_PORT\"\n"
                + "__fg_pids=()\n"
                + "for __fg_l in $(seq 0 $((__fg_g - 1))); do\n"
                + "  RANK=$((__fg_r * __fg_g + __fg_l)) LOCAL_RANK=$__fg_l setsid bash -c " + ShellQuote.quote(command) + " &\n"
                + "  __fg_pids+=($!)\n"
                + "done\n"
                // TERM, then KILL after FASTGPU_STOP_GRACE seconds (1 by default; a managed run's preemption grace)
                + "__fg_stop() { for p in \"${__fg_pids[@]}\"; do kill -TERM -- -\"$p\" 2>/dev/null; done;"
                + " __fg_t=$(( ${FASTGPU_STOP_GRACE:-1} * 5 )); while [ \"$__fg_t\" -gt 0 ] && __fg_alive; do sleep 0.2;"
                + " __fg_t=$((__fg_t - 1)); done;"
                + " for p in \"${__fg_pids[@]}\"; do kill -KILL -- -\"$p\" 2>/dev/null; done; }\n"
                + "__fg_alive() { for p in \"${__fg_pids[@]}\"; do [ -n \"$p\" ] && [ -z \"$(ps -o stat= --sid \"$p\" 2>/dev/null"
                + " | grep -v Z)\" ] && continue; [ -n \"$p\" ] && return 0; done; return 1; }\n"
                + "trap '__fg_stop; exit 143' TERM INT\n"
                + "__fg_left=$__fg_g\n"
                + "while [ \"$__fg_left\" -gt 0 ]; do\n"
                + "  for __fg_l in \"${!__fg_pids[@]}\"; do\n"
                + "    __fg_p=${__fg_pids[$__fg_l]}; [ -z \"$__fg_p\" ] && continue\n"
                + "    kill -0 \"$__fg_p\" 2>/dev/null && continue\n"
                + "    wait \"$__fg_p\"; __fg_rc=$?; __fg_pids[$__fg_l]=; __fg_left=$((__fg_left - 1))\n"
                + "    if [ \"$__fg_rc\" -ne 0 ]; then\n"
                + "      echo \"fastgpu: rank $((__fg_r * __fg_g + __fg_l)) (node $__fg_r, local rank $__fg_l) exited with code"
                + " $__fg_rc; stopping the other ranks\" >&2\n"
                + "      __fg_stop; exit \"$__fg_rc\"\n"
                + "    fi\n"
                + "  done\n"
                + "  [ \"$__fg_left\" -gt 0 ] && sleep 0.2\n"
                + "done\nexit 0\n)\n";
    }
}
