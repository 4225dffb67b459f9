package io.fastgpu.core.job;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How {@code launcher: torchrun} is rendered: the command's own interpreter launches, anything else runs in bash. */
class DistributedLaunchTest {
    static final String ARGS = "--nnodes=\"$FASTGPU_NUM_NODES\" --node_rank=\"$FASTGPU_NODE_RANK\" --nproc_per_node=2"
            + " --rdzv_backend=static --master_addr=\"$FASTGPU_MASTER_ADDR\" --master_port=\"$FASTGPU_MASTER_PORT\"";

    static String torchrun(String command) {
        return DistributedLaunch.render(DistributedLaunch.Kind.TORCHRUN, command, 2);
    }

    @Test
    void aPythonInterpreterLaunchesWithItsOwnTorch() {
        assertThat(torchrun("python3 train.py --lr 0.1")).isEqualTo("python3 -m torch.distributed.run " + ARGS + " train.py --lr 0.1");
        assertThat(torchrun("  python train.py\n")).isEqualTo("python -m torch.distributed.run " + ARGS + " train.py");
        assertThat(torchrun("python3.11 train.py")).isEqualTo("python3.11 -m torch.distributed.run " + ARGS + " train.py");
        assertThat(torchrun(".venv/bin/python train.py")).isEqualTo(".venv/bin/python -m torch.distributed.run " + ARGS + " train.py");
        assertThat(torchrun("/opt/conda/envs/t/bin/python3.10 -m pkg.train --x"))
                .isEqualTo("/opt/conda/envs/t/bin/python3.10 -m torch.distributed.run " + ARGS + " -m pkg.train --x");
        assertThat(torchrun("$HOME/venv/bin/python x.py")).isEqualTo("$HOME/venv/bin/python -m torch.distributed.run " + ARGS + " x.py");
    }

    @Test
    void interpreterOptionsKeepTheInterpreterAsLauncherAndTheCommandVerbatim() {
        assertThat(torchrun("python3 -u train.py")).isEqualTo("python3 -m torch.distributed.run " + ARGS
                + " --no-python bash -c 'python3 -u train.py'");
    }

    @Test
    void shellSyntaxAfterTheInterpreterIsExpandedAndRunPerRank() {
        // $LOCAL_RANK is torchrun's, per rank: expanded by each rank's bash, not once per node before torchrun sets it.
        assertThat(torchrun("python3 train.py --out ckpt_$LOCAL_RANK")).isEqualTo("python3 -m torch.distributed.run " + ARGS
                + " --no-python bash -c 'python3 train.py --out ckpt_$LOCAL_RANK'");
        assertThat(torchrun("python train.py && python eval.py")).isEqualTo("python -m torch.distributed.run " + ARGS
                + " --no-python bash -c 'python train.py && python eval.py'");
        assertThat(torchrun("python3 t.py > out.log")).contains("--no-python bash -c 'python3 t.py > out.log'");
        // An assignment before an interpreter's path is not an interpreter.
        assertThat(torchrun("A=/x/python t.py")).isEqualTo("torchrun --no-python " + ARGS + " bash -c 'A=/x/python t.py'");
    }

    @Test
    void anyOtherCommandRunsVerbatimInBashUnderTorchrun() {
        assertThat(torchrun("cd x && ./train.sh")).isEqualTo("torchrun --no-python " + ARGS + " bash -c 'cd x && ./train.sh'");
        assertThat(torchrun("OMP_NUM_THREADS=1 python3 t.py")).isEqualTo("torchrun --no-python " + ARGS
                + " bash -c 'OMP_NUM_THREADS=1 python3 t.py'");
        assertThat(torchrun("python3\necho it's done")).isEqualTo("torchrun --no-python " + ARGS
                + " bash -c 'python3\necho it'\"'\"'s done'");
        assertThat(torchrun("pythonista x.py")).startsWith("torchrun --no-python ");
        assertThat(torchrun("'my python' x.py")).startsWith("torchrun --no-python ");
        assertThat(torchrun("python3")).isEqualTo("torchrun --no-python " + ARGS + " bash -c python3");
    }

    @Test
    void zeroProcessesPerNodeIsOnePerGpu() {
        assertThat(DistributedLaunch.render(DistributedLaunch.Kind.TORCHRUN, "python3 t.py", 0))
                .contains(" --nproc_per_node=$(( ${FASTGPU_GPUS_PER_NODE:-0} > 0 ? FASTGPU_GPUS_PER_NODE : 1 )) ");
    }
}
