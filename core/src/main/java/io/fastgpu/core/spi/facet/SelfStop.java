package io.fastgpu.core.spi.facet;

import io.fastgpu.api.Instance;

/**
 * A machine that can stop itself from inside, so the watchdog FastGPU installs on it enforces idle autostop and
 * the job's deadline with no FastGPU process alive anywhere. Providers without it get no watchdog.
 */
public interface SelfStop {
    /** What the machine's exit code 42 says: its task's processes ended, the machine itself stays up (not ours). */
    int TASK_ENDED = 42;

    /**
     * Bash, run on the machine by the task's user, that stops {@code instance} (with {@code $1} = {@code true}:
     * releases it, where the machine can). Exits {@value #TASK_ENDED} when the machine stays up and only the
     * task's processes ended (the watchdog then ends too).
     */
    String stopScript(Instance instance);

    /** Whether an unasked-for job gets idle autostop on this backend (cloud machines: yes). */
    boolean autostopByDefault();

    /**
     * Why a machine of this backend cannot release itself as configured now, and how to make it able to, in one line
     * (the launch warns with it when a job asks for {@code down: true}); null when it can.
     */
    default String releaseCaveat() { return null; }
}
