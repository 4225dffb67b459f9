package io.fastgpu.provider.local;

import io.fastgpu.api.CommandFailedException;
import io.fastgpu.api.Job;
import io.fastgpu.api.JobFailedException;
import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.FastGpu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Job operations run on all tasks; a failure names its task and the others' work stands. */
class JobOperationsTest {
    @TempDir Path home;
    @TempDir Path work;
    FastGpu fg;
    Job job;

    @BeforeEach
    void setUp() {
        fg = FastGpu.builder().home(home).localBase(work).build();
        job = fg.makeJob(JobOptions.builder("ops").numTasks(3).build());
    }

    @AfterEach
    void tearDown() {
        job.kill();
        fg.close();
    }

    @Test
    void oneFailingTaskIsNamedAndTheOthersKeepTheirResults() {
        assertThatThrownBy(() -> job.run("echo done > result; if [ $FASTGPU_NODE_RANK = 1 ]; then echo bad >&2; exit 7; fi"))
                .isInstanceOfSatisfying(JobFailedException.class, e -> {
                    assertThat(e.failures()).hasSize(1);
                    assertThat(e.failures().get(0).task()).isEqualTo("task1.ops");
                    assertThat(e.failures().get(0).cause()).isInstanceOfSatisfying(CommandFailedException.class,
                            c -> assertThat(c.exitCode()).isEqualTo(7));
                    assertThat(e.getMessage()).contains("task1.ops").contains("exit code 7");
                });
        assertThat(job.tasks()).allSatisfy(t -> assertThat(t.read("result")).isEqualTo("done\n"));
    }

    @Test
    void uploadsFilesFoldersAndGlobsWithAwkwardNames() throws Exception {
        Files.createDirectories(work.resolve("my data/été"));
        Files.writeString(work.resolve("my data/été/数据 1.csv"), "a,b\n");
        Files.writeString(work.resolve("my data/top.txt"), "top\n");
        Files.writeString(work.resolve("a.csv"), "1\n");
        Files.writeString(work.resolve("b.csv"), "2\n");
        Files.writeString(work.resolve("note.txt"), "note\n");

        job.upload("my data");
        job.upload("*.csv", "csvs", false);
        job.task(0).upload("note.txt", "renamed/n.txt", false);

        for (var t : job.tasks()) {
            assertThat(t.read("my data/été/数据 1.csv")).isEqualTo("a,b\n");
            assertThat(t.read("csvs/a.csv")).isEqualTo("1\n");
            assertThat(t.read("csvs/b.csv")).isEqualTo("2\n");
        }
        assertThat(job.task(0).read("renamed/n.txt")).isEqualTo("note\n");
        assertThat(job.task(1).exists("renamed/n.txt")).isFalse();
    }

    @Test
    void dontOverwriteKeepsWhatIsThere() throws Exception {
        Files.writeString(work.resolve("cfg.txt"), "new\n");
        // An older local file: an upload compares size and modification time (as rsync's quick check does).
        Files.setLastModifiedTime(work.resolve("cfg.txt"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        job.task(0).write("cfg.txt", "old\n");
        job.task(0).upload("cfg.txt", null, true);
        assertThat(job.task(0).read("cfg.txt")).isEqualTo("old\n");
        job.task(0).upload("cfg.txt", null, false);
        assertThat(job.task(0).read("cfg.txt")).isEqualTo("new\n");
    }

    @Test
    void downloadsFilesAndFoldersFromEveryTask() throws Exception {
        job.run("mkdir -p 'out dir/ü' && echo $FASTGPU_NODE_RANK > 'out dir/ü/r.txt'");
        job.download("out dir", work.resolve("got"));
        for (int i = 0; i < 3; i++) {
            assertThat(Files.readString(work.resolve("got/task" + i + ".ops/ü/r.txt"))).isEqualTo(i + "\n");
        }
        job.task(2).download("out dir/ü/r.txt", work.resolve("single.txt"));
        assertThat(Files.readString(work.resolve("single.txt"))).isEqualTo("2\n");
    }
}
