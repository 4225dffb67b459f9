package io.fastgpu.core.launch;

import io.fastgpu.core.job.JobFileParser;
import io.fastgpu.core.runtime.FastGpu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * For the launchers' tests: launches a job folder (its {@code job.yaml} and a rank script) and keeps each output
 * line that starts with {@code rank }, as {@code <task> <line>}.
 */
public final class RankLines {
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private LaunchResult result;

    private RankLines() { }

    /** Writes {@code ranks.py} and {@code job.yaml} into {@code work}, then launches it with FastGPU home {@code home}. */
    public static RankLines launch(Path home, Path work, String ranksPy, String jobYaml) throws Exception {
        Files.writeString(work.resolve("ranks.py"), ranksPy);
        Files.writeString(work.resolve("job.yaml"), jobYaml);
        RankLines r = new RankLines();
        try (FastGpu fg = FastGpu.builder().home(home).events(e -> {
            if (e instanceof io.fastgpu.api.Event.LogLine l && l.line().startsWith("rank ")) r.lines.add(l.task() + " " + l.line());
        }).build()) {
            r.result = new Launcher(fg).launch(JobFileParser.parse(work), false, work);
        }
        return r;
    }

    public LaunchResult result() { return result; }

    /** The rank lines so far, in the order they came. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }
}
