package io.fastgpu.emulator.machine;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The host programs the machines run on: bash, and when present util-linux's {@code setsid} (each
 * command gets its own session, so its process tree can be told apart) and {@code script} (a pty
 * for interactive shells).
 *
 * @param setsid null when missing: a command's tree is then found through its descendants
 * @param script null when missing: interactive shells then run without a pty
 */
record HostTools(Path bash, Path setsid, Path script) {
    private static final List<String> DIRS = List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin");

    /** Looks the programs up on PATH and in the usual folders. */
    static HostTools find() {
        Path bash = locate("bash").orElseThrow(() -> new IllegalStateException("the emulated machines need bash"));
        return new HostTools(bash, locate("setsid").orElse(null), locate("script").orElse(null));
    }

    private static Optional<Path> locate(String program) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(DIRS);
        return dirs.stream()
                .filter(d -> !d.isEmpty() && d.startsWith("/"))
                .map(d -> Path.of(d, program))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
