package io.fastgpu.provider.ssh;

import io.fastgpu.core.job.JobFileParser;
import io.fastgpu.core.launch.LaunchResult;
import io.fastgpu.core.launch.Launcher;
import io.fastgpu.core.runtime.FastGpu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** upload_via: task0 sends one copy to task0, which passes it on to the other tasks. */
class UploadRelayTest {
    @TempDir Path home;
    @TempDir Path work;

    @Test
    void everyTaskGetsTheFilesThroughTask0() throws Exception {
        NamespaceHosts hosts = NamespaceHosts.require(2);
        hosts.writeFleet(home, "pair", 2, false);
        Files.createDirectories(work.resolve("data/été"));
        for (int i = 0; i < 20; i++) Files.writeString(work.resolve("data/été/f" + i + ".txt"), "line " + i + "\n");
        Files.writeString(work.resolve("job.yaml"), """
                name: relayed
                machines: 2
                backend: ssh
                fleet: pair
                upload_via: task0
                upload: [data]
                steps:
                  - {name: check, run: 'echo "$(ls data/été | wc -l) $(cat data/été/f7.txt)"', on: all}
                after: kill
                """);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (FastGpu fg = FastGpu.builder().home(home).events(e -> {
            if (e instanceof io.fastgpu.api.Event.LogLine l) lines.add(l.task() + " " + l.line());
        }).build()) {
            LaunchResult r = new Launcher(fg).launch(JobFileParser.parse(work), false, work);
            assertThat(r.ok()).as(String.valueOf(r.failure())).isTrue();
        }
        assertThat(lines).containsExactlyInAnyOrder("task0.relayed 20 line 7", "task1.relayed 20 line 7");
    }
}
