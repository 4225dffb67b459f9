package io.fastgpu.core.launch;

import java.util.function.Consumer;

/**
 * Where the interrupts of one command come from when the command does not own its process: a resident
 * process that runs commands on behalf of a thin command line sets one for the thread that runs a command,
 * and a launch then takes its Ctrl-C from it instead of the process's signal handlers. Without one (the
 * usual case) a launch handles SIGINT and SIGTERM itself.
 */
public interface CommandInterrupts {
    /**
     * Sends the command's interrupts (the signal's name, {@code INT} or {@code TERM}) to {@code handler} until the
     * returned handle is closed; a command that registers nothing is ended by the source's own means.
     */
    AutoCloseable onInterrupt(Consumer<String> handler);

    /** Ends the command at once with {@code exitCode}, as a second Ctrl-C does (the process itself lives on). */
    void exitNow(int exitCode);

    /** The source of the current thread's command, or null when the process's own signals are the source. */
    static CommandInterrupts current() { return Holder.CURRENT.get(); }

    /** Makes {@code source} the current thread's (null clears it). */
    static void setCurrent(CommandInterrupts source) {
        if (source == null) Holder.CURRENT.remove();
        else Holder.CURRENT.set(source);
    }

    /** The per-thread source, kept out of the interface's public surface. */
    final class Holder {
        private static final ThreadLocal<CommandInterrupts> CURRENT = new ThreadLocal<>();

        private Holder() { }
    }
}
