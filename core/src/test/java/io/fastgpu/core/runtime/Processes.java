package io.fastgpu.core.runtime;

import java.util.List;

/** Looks at this machine's real processes, independently of the code under test. */
public final class Processes {
    private Processes() { }

    public static List<Long> withCommandLine(String fragment) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(fragment)).orElse(false))
                .map(ProcessHandle::pid).toList();
    }
}
