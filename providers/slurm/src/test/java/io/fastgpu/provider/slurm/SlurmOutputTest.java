package io.fastgpu.provider.slurm;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What Slurm's commands print, read: host lists, times, gres, the queue. */
class SlurmOutputTest {
    @Test
    void hostListsExpandInSlurmsOrderWithTheirPadding() {
        assertThat(HostList.expand("n[1-3,7],gpu[08-10],login")).containsExactly("n1", "n2", "n3", "n7", "gpu08", "gpu09", "gpu10", "login");
        assertThat(HostList.expand("")).isEmpty();
        assertThat(HostList.expand("(null)")).isEmpty();
    }

    @Test
    void timesInEverySlurmFormat() {
        assertThat(SlurmTime.parse("30")).contains(Duration.ofMinutes(30));
        assertThat(SlurmTime.parse("59:58")).contains(Duration.ofSeconds(59 * 60 + 58));
        assertThat(SlurmTime.parse("4:00:00")).contains(Duration.ofHours(4));
        assertThat(SlurmTime.parse("1-00:00:00")).contains(Duration.ofDays(1));
        assertThat(SlurmTime.parse("2-12")).contains(Duration.ofHours(60));
        assertThat(SlurmTime.parse("UNLIMITED")).isEmpty();
        assertThat(SlurmTime.parse("4h")).isEmpty();
    }

    @Test
    void gpusFromGres() {
        assertThat(Slurm.gpuCount("gpu:2")).isEqualTo(2);
        assertThat(Slurm.gpuCount("gpu:a100:8(S:0-1)")).isEqualTo(8);
        assertThat(Slurm.gpuCount("gpu:(null):0(IDX:N/A)")).isZero();
        assertThat(Slurm.gpuCount("(null)")).isZero();
    }

    @Test
    void theQueueKeepsOnlyFastGpusAllocationsWithTheirTasks() {
        String sep = "\u001f";
        String out = String.join(sep, "42", "RUNNING", "None", "n[1-2]", "59:10", "2026-11-29T23:00:00", "debug", "gres:gpu:2",
                "fastgpu job=bert owner=alice tasks=task0.bert,-") + "\n"
                + String.join(sep, "43", "PENDING", "Resources", "", "1:00:00", "2026-11-29T23:01:00", "debug", "N/A", "someone else's") + "\n";
        List<Allocation> q = Slurm.parseQueue(out);
        assertThat(q).hasSize(1);
        Allocation a = q.get(0);
        assertThat(a.jobId()).isEqualTo("42");
        assertThat(a.nodes()).containsExactly("n1", "n2");
        assertThat(a.tasks()).containsExactly("task0.bert", "-");
        assertThat(a.job()).isEqualTo("bert");
        assertThat(a.gpusPerNode()).isEqualTo(2);
        assertThat(a.withTask(0, "task0.x").comment()).isEqualTo("fastgpu job=bert owner=alice tasks=task0.x,-");
    }
}
