package io.fastgpu.emulator.machine;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The environment a command on a machine gets, as sshd gives it to root on a real instance: the
 * emulator's own environment less what looks secret or belongs to this host's login, then HOME,
 * USER, LOGNAME, SHELL, PATH (the machine's {@code bin/} first), TMPDIR and TMUX_TMPDIR on the
 * machine's disk, SSH_CLIENT and SSH_CONNECTION, the locale the client sent, and the marker
 * {@value #MARKER} that every descendant inherits and by which the machine's processes are found.
 */
final class MachineEnvironment {
    /** Names the instance in the environment of each of its processes. */
    static final String MARKER = "FASTGPU_EMULATED_INSTANCE";
    /** Where the machine's instance metadata service is (the cloud's is {@code http://100.100.100.200}). */
    static final String METADATA = "FASTGPU_METADATA_URL";
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Pattern SECRET = Pattern.compile(
            ".*(SECRET|TOKEN|PASSW|PASSPHRASE|CREDENTIAL|PRIVATE|AUTH|COOKIE|SESSION|ACCESS_?KEY|API_?KEY|(^|_)KEY($|_)"
                    + "|ALIBABA_CLOUD|ALICLOUD|ALIYUN).*");
    private static final Set<String> HOST_LOGIN = Set.of("PWD", "OLDPWD", "SHLVL", "_", "HOSTNAME", "MAIL", "TERM",
            "COLUMNS", "LINES", "TMUX", "TMUX_PANE", "STY", "WINDOW", "SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY",
            "PROMPT_COMMAND", "PS1", "DBUS_SESSION_BUS_ADDRESS", "XDG_SESSION_ID", "XDG_RUNTIME_DIR");
    private static final Map<String, String> INHERITED = inherited(System.getenv());

    private MachineEnvironment() {}

    /**
     * @param fromClient what the client asked for ({@code env} and {@code pty-req} requests); only the
     *     locale, and TERM with a pty, are taken
     * @param sshClient {@code "clientIp clientPort serverPort"}
     * @param sshConnection {@code "clientIp clientPort serverIp serverPort"}
     */
    static Map<String, String> of(MachineDisk disk, HostTools tools, Map<String, String> fromClient, boolean pty,
            String sshClient, String sshConnection) {
        Map<String, String> env = new HashMap<>(INHERITED);
        String path = INHERITED.getOrDefault("PATH", DEFAULT_PATH);
        env.put("PATH", disk.bin() + ":" + path);
        env.put("HOME", disk.home().toString());
        env.put("USER", AuthorizedKeys.USER);
        env.put("LOGNAME", AuthorizedKeys.USER);
        env.put("SHELL", tools.bash().toString());
        env.put("TMPDIR", disk.tmp().toString());
        env.put("TMUX_TMPDIR", disk.tmuxDir().toString());
        env.put("SSH_CLIENT", sshClient);
        env.put("SSH_CONNECTION", sshConnection);
        fromClient.forEach((k, v) -> {
            if (k.equals("LANG") || k.equals("LANGUAGE") || k.startsWith("LC_") || (pty && k.equals("TERM"))) {
                env.put(k, v);
            }
        });
        if (pty) {
            env.put("SSH_TTY", "/dev/pts/emulated"); // as sshd says a session is interactive
        }
        env.put(MARKER, disk.instanceId());
        return env;
    }

    static Map<String, String> inherited(Map<String, String> host) {
        Map<String, String> env = new HashMap<>();
        host.forEach((k, v) -> {
            if (!HOST_LOGIN.contains(k) && !SECRET.matcher(k.toUpperCase(Locale.ROOT)).matches()) {
                env.put(k, v);
            }
        });
        return Map.copyOf(env);
    }
}
