package io.fastgpu.core.job;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.util.ShellQuote;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        /**
         * PyTorch's elastic launcher with a static rendezvous ({@code --nnodes --node_rank --master_addr
         * --master_port}) on every node: see {@link DistributedLaunch#torchrun}.
         */
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
            case TORCHRUN -> torchrun(command, perNode);
            case MPIRUN -> mpirun(command, perNode);
        };
    }

    /**
     * A command whose first word is a Python interpreter ({@code python}, {@code python3}, {@code python3.11}, or a
     * path ending in one, as {@code .venv/bin/python}) and whose second is the script (or {@code -m module}) becomes
     * {@code <that interpreter> -m torch.distributed.run <args> <the rest>}: the launcher is the torch of the
     * interpreter the command names, so the same environment (venv, conda) starts the ranks and runs them, whatever
     * {@code torchrun} is first on the PATH (or is missing). Any other command runs verbatim in bash, one per rank:
     * {@code torchrun --no-python <args> bash -c '<command>'}; its interpreter options ({@code python3 -u x.py})
     * keep the interpreter as the launcher that way. The rendezvous is static ({@code --rdzv_backend=static},
     * torch 2.x's default, said explicitly): node ranks from FastGPU's task order, the store on the master address.
     * torchrun's workers carry the step's marker in their environment, so ending the step ends them too.
     */
    static String torchrun(String command, String perNode) {
        String args = "--nnodes=\"$FASTGPU_NUM_NODES\" --node_rank=\"$FASTGPU_NODE_RANK\" --nproc_per_node=" + perNode
                + " --rdzv_backend=static --master_addr=\"$FASTGPU_MASTER_ADDR\" --master_port=\"$FASTGPU_MASTER_PORT\"";
        String c = command.strip();
        Matcher m = PYTHON.matcher(c);
        if (m.matches()) {
            String rest = m.group(2);
            // Interpreter options, or shell syntax in the rest ($LOCAL_RANK expanded per rank, "a && b" run per
            // rank): each rank runs the whole command in bash, still launched by the named interpreter's torch.
            boolean perRankShell = rest.startsWith("-") && !rest.startsWith("-m ") || SHELL_SYNTAX.matcher(rest).find();
            return m.group(1) + " -m torch.distributed.run " + args + " "
                    + (perRankShell ? "--no-python bash -c " + ShellQuote.quote(c) : rest);
        }
        return "torchrun --no-python " + args + " bash -c " + ShellQuote.quote(c);
    }

    /** An interpreter word (a path allowed, no quoting, assignment or expansion but $VAR), then a single line of arguments. */
    private static final Pattern PYTHON = Pattern.compile("((?:[^\\s'\"\\\\;&|<>()`*?=]*/)?python(?:[0-9]+(?:\\.[0-9]+)*)?)[ \t]+([^\n]+)");
    /** What bash would expand or act on: such a command must run in a shell per rank, not once per node. */
    private static final Pattern SHELL_SYNTAX = Pattern.compile("[$`;&|<>()\\\\*?~{}\\[\\]'\"#!]");

    /**
     * mpirun on task0, in a subshell (its variables must not become the task's saved shell state). Inside one Slurm
     * allocation ({@code FASTGPU_MPI_SLURM_NODES}, the tasks' nodes), Slurm starts OpenMPI's daemons on the
     * job's nodes ({@code srun --overlap}, beside the steps that hold the tasks); otherwise on the tasks' addresses,
     * ssh without a terminal as the way in (never a prompt), on the network of the master address. FastGPU's
     * variables (but task0's instance id, which marks task0's own processes), PATH, PYTHONPATH and the job's
     * env (named in {@code FASTGPU_MPI_ENV}) travel with {@code -x}; each rank then takes its own task's values:
     * the task's home, log folder and metrics file ({@code FASTGPU_MPI_HOMES} and {@code FASTGPU_MPI_LOGDIRS},
     * one line per task), its node rank, RANK, LOCAL_RANK and WORLD_SIZE, and starts in the folder mpirun
     * started in, as that task has it.
     */
    private static String mpirun(String command, String perNode) {
        return "(\n__fg_g=" + perNode + "\n"
                + "__fg_x=(); for __fg_v in $(compgen -e | grep -E '^(FASTGPU_[A-Za-z0-9_]*|PATH|PYTHONPATH|LD_LIBRARY_PATH"
                + "|NODE_NUM|GPU_NUM_PER_NODE|CHIEF_IP)$' | grep -vx FASTGPU_INSTANCE_ID) $(printf '%s\\n' ${FASTGPU_MPI_ENV:-}"
                + " | grep -E '^[A-Za-z_][A-Za-z0-9_]*$'); do __fg_x+=(-x \"$__fg_v\"); done\n"
                + "if [ -n \"${FASTGPU_MPI_SLURM_NODES:-}\" ] && [ -n \"${SLURM_JOB_ID:-}\" ]; then\n"
                // The step's own SLURM_* describe one node: OpenMPI reads the allocation from these.
                + "  export OMPI_MCA_plm_slurm_args=--overlap SLURM_JOB_NODELIST=\"$FASTGPU_MPI_SLURM_NODES\""
                + " SLURM_NODELIST=\"$FASTGPU_MPI_SLURM_NODES\" SLURM_TASKS_PER_NODE=\"$__fg_g(x$FASTGPU_NUM_NODES)\""
                + " SLURM_JOB_CPUS_PER_NODE=\"$__fg_g(x$FASTGPU_NUM_NODES)\"\n"
                + "  __fg_where=()\n"
                + "else\n"
                // The tasks' addresses, nproc_per_node slots each (the hostfile has one per GPU).
                + "  __fg_where=(--host \"$(sed \"s/\\$/:$__fg_g/\" <<<\"$FASTGPU_NODE_IPS\" | paste -sd, -)\""
                + " --mca plm_rsh_agent ssh --mca plm_rsh_args '-o BatchMode=yes' --mca plm_rsh_no_tree_spawn 1)\n"
                + "  __fg_net=$(ip -o -4 addr show 2>/dev/null | awk -v a=\"$FASTGPU_MASTER_ADDR\" '{split($4, p, \"/\");"
                + " if (p[1] == a) print $4}' | head -n 1)\n"
                + "  [ -z \"$__fg_net\" ] || __fg_where+=(--mca btl_tcp_if_include \"$__fg_net\" --mca oob_tcp_if_include \"$__fg_net\")\n"
                + "fi\n"
                + "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 FASTGPU_MPI_CWD=$PWD"
                + " mpirun --allow-run-as-root -np $((FASTGPU_NUM_NODES * __fg_g)) --npernode \"$__fg_g\""
                + " \"${__fg_where[@]}\" --bind-to none -x FASTGPU_MPI_CWD \"${__fg_x[@]}\""
                + " -x NCCL_DEBUG=INFO -x MASTER_ADDR=\"$FASTGPU_MASTER_ADDR\" -x MASTER_PORT=\"$FASTGPU_MASTER_PORT\""
                + " bash -c " + ShellQuote.quote(RANK) + " fastgpu-rank " + ShellQuote.quote(command.strip()) + "\n)\n";
    }

    /** What each rank runs before the command: its own task's values (see {@link #mpirun}). */
    private static final String RANK = """
            __fg_n=
            if [ -n "${FASTGPU_MPI_SLURM_NODES:-}" ] && [ -n "${SLURMD_NODENAME:-}" ]; then
              __fg_n=$(tr , '\\n' <<<"$FASTGPU_MPI_SLURM_NODES" | grep -nxF "$SLURMD_NODENAME" | head -n 1 | cut -d: -f1)
              [ -z "$__fg_n" ] || __fg_n=$((__fg_n - 1))
            fi
            [ -n "$__fg_n" ] || __fg_n=$((OMPI_COMM_WORLD_RANK / OMPI_COMM_WORLD_LOCAL_SIZE))
            __fg_h0=$(sed -n 1p <<<"${FASTGPU_MPI_HOMES:-}"); __fg_h=$(sed -n "$((__fg_n + 1))p" <<<"${FASTGPU_MPI_HOMES:-}")
            __fg_l0=$(sed -n 1p <<<"${FASTGPU_MPI_LOGDIRS:-}"); __fg_l=$(sed -n "$((__fg_n + 1))p" <<<"${FASTGPU_MPI_LOGDIRS:-}")
            for __fg_v in $(compgen -e | grep -E '^(FASTGPU_[A-Za-z0-9_]*|PYTHONPATH)$' | grep -v '^FASTGPU_MPI_'); do
              __fg_s=${!__fg_v}
              [ -z "$__fg_l0" ] || __fg_s=${__fg_s//"$__fg_l0"/"$__fg_l"}
              [ -z "$__fg_h0" ] || __fg_s=${__fg_s//"$__fg_h0"/"$__fg_h"}
              export "$__fg_v=$__fg_s"
            done
            [ -z "${FASTGPU_METRICS_FILE:-}" ] || FASTGPU_METRICS_FILE=$(sed "s#/task[0-9]*\\.\\([^/]*\\)\\$#/task$__fg_n.\\1#" <<<"$FASTGPU_METRICS_FILE")
            export FASTGPU_NODE_RANK=$__fg_n INDEX=$__fg_n NODE_RANK=$__fg_n RANK=$OMPI_COMM_WORLD_RANK \
              LOCAL_RANK=$OMPI_COMM_WORLD_LOCAL_RANK WORLD_SIZE=$OMPI_COMM_WORLD_SIZE LOCAL_WORLD_SIZE=$OMPI_COMM_WORLD_LOCAL_SIZE
            __fg_d=$FASTGPU_MPI_CWD
            case "$__fg_d" in "$__fg_h0"|"$__fg_h0"/*) [ -z "$__fg_h0" ] || __fg_d=$__fg_h${__fg_d#"$__fg_h0"} ;; esac
            cd "$__fg_d" || { echo "fastgpu: rank $RANK on $(hostname): no folder $__fg_d" >&2; exit 1; }
            unset __fg_n __fg_h0 __fg_h __fg_l0 __fg_l __fg_v __fg_s __fg_d
            eval "$1"
            """;

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
