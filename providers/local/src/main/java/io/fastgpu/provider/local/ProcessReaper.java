package io.fastgpu.provider.local;

import io.fastgpu.core.runtime.ProcessMarker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Ends every process of a local instance: those marked with its id, and what they started (see {@link ProcessMarker}). */
final class ProcessReaper {
    private ProcessReaper() { }

    /** Ends them all: a polite TERM first, then KILL for whatever is left, until none remains. */
    static void killAll(String instanceId) {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", ProcessMarker.endScript(ProcessMarker.INSTANCE, instanceId))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // Unmarked itself, and with nothing of this JVM's environment.
        pb.environment().clear();
        pb.environment().putAll(Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
        String err;
        int rc;
        try {
            Process p = pb.start();
            try (InputStream in = p.getErrorStream()) {
                err = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            if (!p.waitFor(1, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("the processes of instance " + instanceId + " did not end within a minute");
            }
            rc = p.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException("cannot end the processes of instance " + instanceId + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while ending the processes of instance " + instanceId, e);
        }
        if (rc != 0) {
            throw new IllegalStateException("processes of instance " + instanceId + " would not end (" + err + ")");
        }
    }
}
