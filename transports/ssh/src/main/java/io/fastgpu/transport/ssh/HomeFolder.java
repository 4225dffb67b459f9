package io.fastgpu.transport.ssh;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.util.ShellQuote;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a transport's commands run on one host: the login's home, or the task's folder in it. Found, in order: on
 * the connection (an earlier command of the same process learnt it); in {@link LoginHomes} (seen there by an earlier
 * process on the machine of the same host key), then taken without a round trip and checked by the first command itself before anything of it runs
 * ({@link #leadingCheck}); or asked of the machine (one round trip, which also makes the folder).
 */
final class HomeFolder {
    /** Runs a script on the connection as it is, without the leading check; returns its exit code. */
    @FunctionalInterface
    interface Runner {
        int run(String script, OutputStream out);
    }

    /** The exit code of the check when the login home is not the one remembered. */
    static final int MOVED = 197;
    /** The folders known on a connection (relative to the login's home, "" for the home) and their absolute paths. */
    private static final AttributeRepository.AttributeKey<Map<String, String>> KNOWN = new AttributeRepository.AttributeKey<>();

    private final LoginHomes remembered;
    private final SshTarget target;
    private final String name;
    private final String workdir;
    private volatile String path;
    /** The remembered login home that {@link #path} comes from, until a command has checked it; else null. */
    private volatile String unchecked;

    HomeFolder(LoginHomes remembered, SshTarget target, String name, String workdir) {
        this.remembered = remembered;
        this.target = target;
        this.name = name;
        this.workdir = workdir;
    }

    /** The folder's absolute path on the machine. */
    String path(java.util.function.Supplier<ClientSession> connection, Runner runner) {
        String h = path;
        if (h != null) return h;
        ClientSession session = connection.get();
        h = known(session).get(key());
        if (h == null) {
            String login = remembered.get(target, session.getServerKey()).orElse(null);
            if (login != null) {
                unchecked = login;
                h = under(login);
            } else {
                h = ask(session, runner);
            }
        }
        path = h;
        return h;
    }

    /** Forgets the folder {@code workdir} on this connection: it was removed, and is made again on its next use. */
    static void forget(ClientSession session, String workdir) {
        Map<String, String> known = session.getAttribute(KNOWN);
        if (known != null) known.remove(workdir == null ? "" : workdir);
    }

    /** The remembered login home the next command must check first, or null when there is nothing to check. */
    String unchecked() { return unchecked; }

    /** The script's first line while {@code login} is unchecked: the command runs only where the home is still it. */
    static String leadingCheck(String login) {
        return "[ \"$HOME\" = " + ShellQuote.quote(login) + " ] || exit " + MOVED + "\n";
    }

    /**
     * After a command led by the check of {@code login} exited {@code status}: either the check passed (the home is
     * known on the connection from now on) or it stopped the command, when the login home moved: then the home is
     * forgotten everywhere and the error says so. A command that itself exits {@link #MOVED} is told apart by asking.
     */
    void checked(ClientSession session, String login, int status, Runner runner) {
        if (status == MOVED) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            runner.run("printf %s \"$HOME\"", out);
            String now = out.toString(StandardCharsets.UTF_8);
            if (!now.equals(login)) {
                remembered.forget(target);
                path = null;
                unchecked = null;
                throw new FastGpuException(name + ": the home folder on " + target.display() + " is "
                        + (now.isEmpty() ? "not set" : now) + " now, not " + login
                        + " as when FastGPU last used it; nothing ran there: run the command again");
            }
        }
        if (unchecked != null) {
            unchecked = null;
            known(session).put(key(), under(login));
        }
    }

    private String ask(ClientSession session, Runner runner) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String dir = workdir == null ? "\"$HOME\"" : "\"$HOME\"/" + ShellQuote.quote(workdir);
        int rc = runner.run("d=" + dir + "; mkdir -p \"$d\" && printf '%s\\n%s' \"$HOME\" \"$d\"", out);
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", 2);
        String h = lines.length == 2 ? lines[1] : "";
        if (rc != 0 || !h.startsWith("/")) throw new FastGpuException(name + ": cannot find the home folder (exit " + rc + ")");
        remembered.put(target, session.getServerKey(), lines[0]);
        known(session).put(key(), h);
        return h;
    }

    private String under(String login) { return workdir == null ? login : login + "/" + workdir; }

    private String key() { return workdir == null ? "" : workdir; }

    private static Map<String, String> known(ClientSession session) {
        return session.computeAttributeIfAbsent(KNOWN, k -> new ConcurrentHashMap<>());
    }
}
