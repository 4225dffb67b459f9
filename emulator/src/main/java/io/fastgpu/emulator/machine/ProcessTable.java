package io.fastgpu.emulator.machine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * This host's processes as {@code /proc} shows them, and killing sets of them for good. The
 * emulator's own process and its ancestors are never matched, whatever their environment says.
 */
final class ProcessTable {
    private static final Path PROC = Path.of("/proc");
    private static final Set<Long> SPARED = spared();

    private ProcessTable() {}

    /** The processes whose initial environment holds exactly the entry {@code name=value}. */
    static List<Long> withEnvironmentEntry(String name, String value) {
        byte[] entry = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
        return matching(pid -> hasEntry(read(pid, "environ"), entry));
    }

    /** The processes of session {@code sid} whose environment holds {@code name=value}. */
    static List<Long> inSession(long sid, String name, String value) {
        byte[] entry = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
        return matching(pid -> session(pid) == sid && hasEntry(read(pid, "environ"), entry));
    }

    /** The session id of {@code pid}, or -1 when it is gone. */
    static long session(long pid) {
        byte[] stat = read(pid, "stat");
        if (stat == null) {
            return -1;
        }
        // pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses
        String s = new String(stat, StandardCharsets.UTF_8);
        String[] fields = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return fields.length > 3 ? Long.parseLong(fields[3]) : -1;
    }

    /** The processes (not this one or its ancestors) with a descriptor open on the socket of {@code inode}. */
    static List<Long> holdingSocket(long inode) {
        String link = "socket:[" + inode + "]";
        return matching(pid -> {
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("fd"))) {
                for (Path fd : fds) {
                    try {
                        if (Files.readSymbolicLink(fd).toString().equals(link)) {
                            return true;
                        }
                    } catch (IOException | RuntimeException e) {
                        // closed meanwhile
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone, or not ours
            }
            return false;
        });
    }

    /** The value of {@code name} in the initial environment of {@code pid}, if it has one. */
    static Optional<String> environmentValue(long pid, String name) {
        byte[] environ = read(pid, "environ");
        if (environ == null) {
            return Optional.empty();
        }
        String prefix = name + "=";
        for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
            if (entry.startsWith(prefix)) {
                return Optional.of(entry.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    /**
     * SIGKILLs what {@code find} lists, again and again (processes fork while being killed) until it
     * lists nothing or {@code bound} has passed.
     *
     * @return how many were still listed at the end (0: all gone)
     */
    static int killUntilNone(Supplier<List<Long>> find, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            List<Long> pids = find.get();
            if (pids.isEmpty()) {
                return 0;
            }
            if (System.nanoTime() > deadline) {
                return pids.size();
            }
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return find.get().size();
            }
        }
    }

    private static List<Long> matching(LongPredicate test) {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                long pid = Long.parseLong(name);
                if (!SPARED.contains(pid) && test.test(pid)) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + PROC + " (the emulated machines need Linux)", e);
        }
        return pids;
    }

    private static byte[] read(long pid, String file) {
        try {
            return Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve(file));
        } catch (IOException | RuntimeException e) {
            return null; // gone, a kernel thread, or not ours
        }
    }

    /** Whether the NUL-separated {@code environ} holds {@code entry} as a whole entry. */
    static boolean hasEntry(byte[] environ, byte[] entry) {
        if (environ == null) {
            return false;
        }
        int start = 0;
        while (start < environ.length) {
            int end = start;
            while (end < environ.length && environ[end] != 0) {
                end++;
            }
            if (end - start == entry.length && Arrays.equals(environ, start, end, entry, 0, entry.length)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private static Set<Long> spared() {
        Set<Long> pids = new HashSet<>();
        for (ProcessHandle p = ProcessHandle.current(); p != null; p = p.parent().orElse(null)) {
            pids.add(p.pid());
        }
        pids.add(1L);
        return Set.copyOf(pids);
    }
}
