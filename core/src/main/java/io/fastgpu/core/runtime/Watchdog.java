package io.fastgpu.core.runtime;

import io.fastgpu.api.ExecResult;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.util.ShellQuote;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The watchdog on a machine ({@code ~/.fastgpu/watchdog/watchdog.sh}, bash only): it stops the machine when it
 * has been idle for the set period, or once it has run past the job's deadline, whether or not any FastGPU
 * process is alive. Installed and (re)started by {@link #ensure} whenever FastGPU makes a job's machines ready,
 * and at boot through an {@code @reboot} crontab line where {@code crontab} exists. Its settings are a file on
 * the machine ({@link Settings}) that {@code fastgpu autostop} rewrites; its files are the task user's only.
 */
public final class Watchdog {
    /** Its folder, under the task's home. */
    public static final String DIR = ".fastgpu/watchdog";
    /** Below this idle period autostop is refused, unless {@link #shortLimitsAllowed()} (tests). */
    public static final Duration MIN_IDLE = Duration.ofMinutes(1);
    /** The default idle period of cloud machines. */
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    private static final String SCRIPT = load();

    private Watchdog() { }

    /**
     * What the watchdog enforces.
     *
     * @param idle     stop after this long idle; null for no idle autostop
     * @param down     release the machine instead of stopping it
     * @param deadline the longest the machine may run from when these settings were written; null for none
     * @param stamp    names this deadline: the watchdog counts a deadline's time once, across reboots, and afresh for a new stamp
     */
    public record Settings(Duration idle, boolean down, Duration deadline, String stamp) {
        /** No idle autostop, no deadline. */
        public static Settings off(String stamp) { return new Settings(null, false, null, stamp); }

        /** The file's text, for machine {@code instanceId}. */
        String text(String instanceId) {
            long shortest = Math.min(idle == null ? Long.MAX_VALUE : idle.toSeconds(),
                    deadline == null ? Long.MAX_VALUE : deadline.toSeconds());
            long poll = Math.max(1, Math.min(30, shortest / 10));
            return "# FastGPU watchdog settings; change them with 'fastgpu autostop'.\n"
                    + "idle=" + (idle == null ? "off" : Math.max(1, idle.toSeconds())) + "\n"
                    + "down=" + down + "\n"
                    + "deadline=" + (deadline == null ? "none" : Math.max(1, (deadline.toMillis() + 999) / 1000)) + "\n" // never early
                    + "stamp=" + stamp + "\n"
                    + "instance=" + instanceId + "\n"
                    + "poll=" + poll + "\n";
        }

        /** The idle setting in words: {@code 30m}, {@code 30m, down} or {@code off}. */
        public String idleLabel() {
            return idle == null ? "off" : io.fastgpu.core.util.DurationText.format(idle) + (down ? ", down" : "");
        }
    }

    /**
     * What the watchdog of a machine reports.
     *
     * @param idle      its idle setting ({@code off} or seconds)
     * @param down      whether it releases instead of stopping
     * @param deadline  seconds of running allowed, or {@code none}
     * @param idleFor   seconds idle so far
     * @param used      seconds counted against the deadline so far
     * @param busy      why the machine is busy now, or empty
     * @param running   whether the watchdog process is alive
     */
    public record Status(String idle, boolean down, String deadline, long idleFor, long used, String busy, boolean running) {
        /** {@code 30m} / {@code off} for listings. */
        public String idleLabel() {
            if (idle.equals("off")) return "off";
            if (!idle.matches("[0-9]{1,12}")) return "?"; // a settings file gone bad, read before the watchdog reported
            return io.fastgpu.core.util.DurationText.format(Duration.ofSeconds(Long.parseLong(idle))) + (down ? ", down" : "");
        }
    }

    /** Whether idle periods under a minute and caps under an hour's price are allowed: for tests only. */
    public static boolean shortLimitsAllowed() {
        return Boolean.getBoolean("fastgpu.test.shortLimits") || "1".equals(System.getenv("FASTGPU_TEST_SHORT_LIMITS"));
    }

    /**
     * Installs the watchdog on {@code task}'s machine when missing or outdated, writes {@code settings} (unless
     * null: then the machine keeps the ones it has, or gets none), and starts it unless it runs; one round trip.
     *
     * @param stopScript the machine's way of stopping itself (the provider's)
     */
    public static void ensure(TaskRuntime task, String stopScript, Settings settings) {
        String dir = task.home() + "/" + DIR;
        Map<String, String> files = new LinkedHashMap<>();
        files.put(dir + "/watchdog.sh.new", SCRIPT);
        files.put(dir + "/stop.sh.new", "#!/bin/bash\n# How this machine stops itself; written by FastGPU.\n" + stopScript + "\n");
        if (settings != null) files.put(dir + "/settings.new", settings.text(task.instance().id()));
        String d = ShellQuote.quote(dir);
        String script = ShellScripts.privateFiles(task.home() + "/.fastgpu", files, List.of())
                + "cd " + d + " || exit 1\n"
                + "chmod 700 . && for f in watchdog.sh stop.sh settings; do [ -f $f.new ] && chmod 600 $f.new && mv -f $f.new $f; done\n"
                + "pid=$(cat pid 2>/dev/null)\n"
                + "if ! { [ -n \"$pid\" ] && grep -q -s -z -x 'FASTGPU_WATCHDOG=1' /proc/$pid/environ; }; then\n"
                // what an earlier watchdog reported (that it fired, say) is not this one's
                + "  rm -f status\n"
                + "  FASTGPU_INSTANCE_ID=" + ShellQuote.quote(task.instance().id())
                + " setsid nohup bash " + d + "/watchdog.sh > /dev/null 2>&1 < /dev/null &\n"
                // up to 5 s for it to say it runs (its pid file), so that what asks next sees it running
                + "  n=50; while [ $n -gt 0 ]; do pid=$(cat pid 2>/dev/null)\n"
                + "    [ -n \"$pid\" ] && grep -q -s -z -x 'FASTGPU_WATCHDOG=1' /proc/$pid/environ && break\n"
                + "    sleep 0.1; n=$((n - 1)); done\n"
                + "fi\n"
                // Back after a reboot: an @reboot line where cron exists (once).
                + "if command -v crontab >/dev/null 2>&1; then\n"
                + "  line=" + ShellQuote.quote("@reboot FASTGPU_INSTANCE_ID=" + task.instance().id() + " bash " + dir
                        + "/watchdog.sh >/dev/null 2>&1") + "\n"
                + "  cur=$(crontab -l 2>/dev/null)\n"
                + "  case $cur in *\"$line\"*) ;; *) { [ -n \"$cur\" ] && printf '%s\\n' \"$cur\"; printf '%s\\n' \"$line\"; } | crontab - 2>/dev/null ;; esac\n"
                + "fi\n"
                + "exit 0\n";
        ExecResult r = task.runRaw(script);
        if (r.exitCode() != 0) {
            throw new FastGpuException(task.name() + ": could not install the watchdog: " + r.stderr().strip());
        }
    }

    /**
     * Changes the idle autostop of {@code task}'s machine ({@code idle} null: off), keeping its deadline and what
     * it used of it; installs and starts the watchdog where it is missing.
     */
    public static void setIdle(TaskRuntime task, String stopScript, Duration idle, boolean down) {
        ExecResult r = task.runRaw("cat " + ShellQuote.quote(task.home() + "/" + DIR + "/settings") + " 2>/dev/null; exit 0");
        Map<String, String> now = keyValues(r.stdout());
        Duration deadline = now.getOrDefault("deadline", "none").matches("[1-9][0-9]*")
                ? Duration.ofSeconds(Long.parseLong(now.get("deadline"))) : null;
        String stamp = now.getOrDefault("stamp", "");
        if (!stamp.matches("[0-9A-Za-z._-]{1,64}")) stamp = "set-" + System.currentTimeMillis();
        ensure(task, stopScript, new Settings(idle, down, deadline, stamp));
    }

    private static Map<String, String> keyValues(String text) {
        Map<String, String> m = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) m.put(line.substring(0, eq), line.substring(eq + 1).strip());
        }
        return m;
    }

    /**
     * Bash that turns an installed watchdog off (no idle autostop, no deadline) until the launch that runs it
     * sets its own limits: each launch's machines are guarded as its job file says, not as an earlier one did.
     */
    static String offScript(String home, String instanceId) {
        String d = ShellQuote.quote(home + "/" + DIR);
        return "if [ -f " + d + "/settings ]; then printf '%s' " + ShellQuote.quote(Settings.off("launch-" + System.currentTimeMillis())
                .text(instanceId)) + " > " + d + "/settings.new && mv -f " + d + "/settings.new " + d + "/settings; fi\n";
    }

    /** What the watchdog of {@code task}'s machine reports now; empty when it has none. */
    public static Optional<Status> status(TaskRuntime task) {
        String d = ShellQuote.quote(task.home() + "/" + DIR);
        ExecResult r = task.runRaw("cd " + d + " 2>/dev/null || exit 0\n"
                // Just started, it has not reported yet: its settings say what it will do.
                + "cat status 2>/dev/null || grep -E '^(idle|down|deadline)=' settings 2>/dev/null; pid=$(cat pid 2>/dev/null)\n"
                + "[ -n \"$pid\" ] && grep -q -s -z -x 'FASTGPU_WATCHDOG=1' /proc/$pid/environ && echo running=yes\n");
        Map<String, String> m = keyValues(r.stdout());
        if (!m.containsKey("idle")) return Optional.empty();
        return Optional.of(new Status(m.get("idle"), "true".equals(m.get("down")), m.getOrDefault("deadline", "none"),
                number(m.get("idle_for")), number(m.get("used")), m.getOrDefault("busy", ""), m.containsKey("running")));
    }

    private static long number(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String load() {
        try (InputStream in = Watchdog.class.getResourceAsStream("watchdog.sh")) {
            if (in == null) throw new IllegalStateException("watchdog.sh is missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
