package io.fastgpu.provider.tione;

import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.util.ShellQuote;

/**
 * The start command's script, put in the code package as {@code .fastgpu/entry.sh}: it gives the job's steps
 * FastGPU's task environment from TI-ONE's (NODE_NUM, INDEX, GPU_NUM_PER_NODE, CHIEF_IP), runs the setup and
 * the steps (those on task0 on the chief node only), and forwards the metrics the script writes.
 */
public final class EntryScript {
    static final String PATH = ".fastgpu/entry.sh";
    static final String METRICS = ".fastgpu/push_metrics.py";
    static final String START_CMD = "bash " + PATH;

    private EntryScript() {}

    public static String render(JobFile job) {
        StringBuilder b = new StringBuilder();
        b.append("#!/bin/bash\n# Written by FastGPU: runs job '").append(job.name().replace("\n", " "))
                .append("' on a TI-ONE node.\n");
        b.append("ML=\"${FASTGPU_OPT_ML:-/opt/ml}\"\n");
        b.append("export FASTGPU_OPT_ML=\"$ML\" FASTGPU_JOB=").append(ShellQuote.quote(job.name()))
                .append(" FASTGPU_NODE_RANK=\"${INDEX:-0}\" FASTGPU_NUM_NODES=\"${NODE_NUM:-1}\"")
                .append(" FASTGPU_MASTER_ADDR=\"${CHIEF_IP:-127.0.0.1}\" FASTGPU_MASTER_PORT=\"${FASTGPU_MASTER_PORT:-23457}\"")
                .append(" FASTGPU_GPUS_PER_NODE=\"${GPU_NUM_PER_NODE:-0}\" FASTGPU_OUTPUT=\"$ML/output\"\n");
        b.append("export FASTGPU_METRICS_FILE=\"$ML/output/metrics-$FASTGPU_NODE_RANK.jsonl\"\n");
        b.append("export PYTHONPATH=\"$PWD${PYTHONPATH:+:$PYTHONPATH}\"\n");
        job.env().forEach((k, v) -> b.append("export ").append(k).append('=').append(ShellQuote.quote(v)).append('\n'));
        b.append("fwd=\nif command -v python3 >/dev/null && [ -n \"${TI_TASK_ID:-}\" ]; then python3 ").append(METRICS)
                .append(" & fwd=$!; fi\n");
        b.append("finish() { trap - EXIT; touch \"$FASTGPU_METRICS_FILE.done\"; [ -n \"$fwd\" ] && wait \"$fwd\"; exit \"$1\"; }\n");
        // A step's own 'exit N' ends the script: the metrics are still forwarded, and N is the task's exit code.
        b.append("trap 'finish $?' EXIT\n");
        if (job.setup() != null && !job.setup().isBlank()) {
            b.append("echo '[fastgpu] setup'\nbash -c ").append(ShellQuote.quote(job.setup())).append(" || finish $?\n");
        }
        // The steps share one shell, as on every other backend: a 'cd' or an 'export' in one holds in the next.
        for (JobFile.Step s : job.steps()) {
            String run = "echo " + ShellQuote.quote("[fastgpu] step " + s.name()) + "\neval "
                    + ShellQuote.quote(s.command()) + " || finish $?\n";
            if (s.onAll()) {
                b.append(run);
            } else {
                b.append("if [ \"$FASTGPU_NODE_RANK\" = ").append(s.taskIndex()).append(" ]; then\n").append(run).append("fi\n");
            }
        }
        b.append("finish 0\n");
        return b.toString();
    }
}
