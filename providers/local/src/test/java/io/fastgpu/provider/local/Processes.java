package io.fastgpu.provider.local;

import java.util.List;

/** Looks at this machine's real processes, independently of the code under test. */
final class Processes {
    private Processes() { }

    static List<Long> withCommandLine(String fragment) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(fragment)).orElse(false))
                .map(ProcessHandle::pid).toList();
    }
}
