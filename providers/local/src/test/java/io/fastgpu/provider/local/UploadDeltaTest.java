package io.fastgpu.provider.local;

import io.fastgpu.api.Event;
import io.fastgpu.api.JobOptions;
import io.fastgpu.api.Task;
import io.fastgpu.core.runtime.FastGpu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** A re-upload to a local sandbox sends only what changed, as it does over SSH: the delta is decided above the transport. */
class UploadDeltaTest {
    @TempDir Path home;
    @TempDir Path work;
    FastGpu fg;
    final List<Event.Progress> progress = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        fg = FastGpu.builder().home(home).localBase(work).events(e -> { if (e instanceof Event.Progress p) progress.add(p); }).build();
    }

    @AfterEach
    void tearDown() { fg.close(); }

    @Test
    void onlyMissingOrChangedFilesTravel() throws Exception {
        Files.createDirectories(work.resolve("data"));
        Files.writeString(work.resolve("data/same.txt"), "unchanged");
        Files.writeString(work.resolve("data/edit.txt"), "version 1");
        var job = fg.makeJob(JobOptions.builder("delta").build());
        try {
            Task t = job.task(0);
            t.upload("data");
            // Change the machine's copy behind FastGPU's back, keeping size and time: a file that is not sent keeps it.
            t.run("printf 'UNCHANGED' > data/same.txt.tmp && touch -r data/same.txt data/same.txt.tmp && mv data/same.txt.tmp data/same.txt");
            Files.writeString(work.resolve("data/edit.txt"), "version 2 is longer");
            Files.writeString(work.resolve("data/new.txt"), "new");
            progress.clear();

            t.upload("data");

            assertThat(t.read("data/same.txt")).isEqualTo("UNCHANGED"); // not sent again
            assertThat(t.read("data/edit.txt")).isEqualTo("version 2 is longer");
            assertThat(t.read("data/new.txt")).isEqualTo("new");
            Event.Progress first = progress.get(0);
            assertThat(first.done()).isEqualTo("unchanged".length()); // counted as done without travelling
            assertThat(first.files()).isEqualTo(1);
            Event.Progress last = progress.get(progress.size() - 1);
            assertThat(last.done()).isEqualTo(last.total());
            assertThat(last.files()).isEqualTo(3);
        } finally {
            job.kill();
        }
    }

    @Test
    void anUploadKeepsModificationTimesSoTheNextOneCanCompare() throws Exception {
        Files.createDirectories(work.resolve("d"));
        Path f = Files.writeString(work.resolve("d/a.txt"), "a");
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_600_000_000_000L));
        var job = fg.makeJob(JobOptions.builder("mtime").build());
        try {
            job.task(0).upload("d");
            assertThat(job.task(0).runWithOutput("stat -c %Y d/a.txt").stdout().strip()).isEqualTo("1600000000");
        } finally {
            job.kill();
        }
    }
}
