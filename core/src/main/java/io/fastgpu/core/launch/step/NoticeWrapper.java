package io.fastgpu.core.launch.step;

import java.time.Duration;

/** The shell around a managed run's step command on each machine: where the preemption file is, and the notice watcher. */
final class NoticeWrapper {
    private NoticeWrapper() { }

    /**
     * The command in a wrapper that, on a spot instance's termination notice (its metadata service's
     * {@code instance/spot/termination-time}, at {@code $FASTGPU_METADATA_URL}, default {@code http://100.100.100.200}),
     * writes {@code FASTGPU_PREEMPTED=1} to {@code $FASTGPU_PREEMPTED_FILE}, sends the training processes SIGTERM and,
     * after the grace period, SIGKILL.
     */
    static String wrap(String command, boolean watchNotice, Duration preemptGrace) {
        long grace = Math.max(1, preemptGrace.toSeconds());
        StringBuilder b = new StringBuilder();
        b.append("(\nexport FASTGPU_PREEMPTED_FILE=\"$FASTGPU_LOGDIR/preempted.task$FASTGPU_NODE_RANK\" FASTGPU_STOP_GRACE=")
                .append(grace).append("\nrm -f \"$FASTGPU_PREEMPTED_FILE\"; mkdir -p \"$FASTGPU_CHECKPOINT_DIR\"\n");
        if (!watchNotice) return b.append(command).append("\n)\n").toString();
        b.append("set -m\n(\n").append(command).append("\n) &\n__fg_c=$!\n")
                .append("__fg_watch() {\n")
                .append("  local u=\"${FASTGPU_METADATA_URL:-http://100.100.100.200}/latest/meta-data/instance/spot/termination-time\" t n\n")
                .append("  command -v curl >/dev/null || return 0\n")
                .append("  while kill -0 \"$__fg_c\" 2>/dev/null; do\n")
                .append("    if t=$(curl -sf --max-time 2 \"$u\" 2>/dev/null) && [ -n \"$t\" ]; then\n")
                .append("      echo FASTGPU_PREEMPTED=1 > \"$FASTGPU_PREEMPTED_FILE\"\n")
                .append("      echo \"fastgpu: spot termination notice (taken back at $t): SIGTERM to the training processes, SIGKILL in ")
                .append(grace).append(" s\" >&2\n")
                .append("      kill -TERM -- -\"$__fg_c\" 2>/dev/null; n=").append(grace * 5 + 5).append("\n")
                .append("      while [ $n -gt 0 ] && kill -0 -- -\"$__fg_c\" 2>/dev/null; do sleep 0.2; n=$((n - 1)); done\n")
                .append("      kill -KILL -- -\"$__fg_c\" 2>/dev/null; return 0\n")
                .append("    fi\n    sleep 1\n  done\n}\n")
                .append("__fg_watch &\n__fg_w=$!\nset +m\n") // own process groups, without job reports
                .append("wait \"$__fg_c\"; __fg_rc=$?\n")
                // after a notice, the watcher's grace (then SIGKILL) runs out before the step ends
                .append("if [ -e \"$FASTGPU_PREEMPTED_FILE\" ]; then wait \"$__fg_w\"; else kill -- -\"$__fg_w\" 2>/dev/null; fi\n")
                .append("exit $__fg_rc\n)\n");
        return b.toString();
    }
}
