package io.fastgpu.core.runtime;

import io.fastgpu.core.util.ShellQuote;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The bash that makes each {@code run} behave like one long-lived shell without typing into one.
 * Every call is its own process: it restores the task's saved working directory, exported variables,
 * functions and aliases, sources the user's command file verbatim (so quotes, {@code #}, here-documents
 * and {@code &} mean what they mean in bash), and saves the state again on exit, whatever the exit path.
 */
final class ShellScripts {
    private ShellScripts() { }

    /**
     * Sets {@code __fg_um} to the umask the shell started with (the login's), read without a fork. FastGPU's
     * own files on the machine are created under umask 077 (owner only); the user's commands run under this one.
     */
    private static final String LOGIN_UMASK = "__fg_um=0022; while read -r __fg_k __fg_v; do"
            + " [ \"$__fg_k\" = Umask: ] && { __fg_um=$__fg_v; break; }; done 2>/dev/null < /proc/$$/status; unset __fg_k __fg_v\n";

    /**
     * Runs {@code commandFile} in the restored shell state, saves what it changed in the state afterwards (see
     * {@link ShellStateMerge}) and removes the file.
     *
     * @param inlineCommand the command, written to {@code commandFile} by this same script; null when the file
     *                      was written beforehand (a long command)
     */
    static String blocking(String home, String stateDir, String commandFile, String inlineCommand, Map<String, String> env) {
        String state = ShellQuote.quote(stateDir + "/shell");
        String skip = " " + ShellStateMerge.TRANSIENT + env.keySet().stream().map(k -> " " + k).collect(Collectors.joining()) + " ";
        // Builtins only, unless the command changed the state: this runs around every command, on every task.
        return statelessPath(home, stateDir, inlineCommand, env) + carryMarkers(env) + LOGIN_UMASK + "umask 077\n"
                + "__fg_state=" + state + "\n"
                + privateDir(stateDir, stateDir + "/shell")
                + "__fg_tmp=\"$__fg_state/tmp.$$\"; : > \"$__fg_tmp\"\n"
                + (inlineCommand != null ? writeFile(commandFile, inlineCommand) : ownerOnly(stateDir, commandFile))
                + "__fg_skip=" + ShellQuote.quote(skip) + "\n"
                + prelude(home, env, ShellStateMerge.saveFunction(commandFile) + ShellStateMerge.snapshot(),
                        ShellStateMerge.snapshotPlace())
                + "trap '__fastgpu_rc=$?; __fastgpu_save; exit $__fastgpu_rc' EXIT\n"
                + ". " + ShellQuote.quote(commandFile) + "\n";
    }

    /**
     * The short way for a command that cannot change its shell's state ({@link StatelessCommand}): the state is
     * restored and the command run, with nothing written before and nothing saved after. Taken only when, on the
     * machine, none of its command words is an alias or a function and the conda hook has nothing to do; otherwise
     * the shell goes on to the full way (which restores the state again). The shell stays the command's parent, as
     * on the full way: a program that a signal ends gives the same 128+n exit code and bash's line about it.
     */
    private static String statelessPath(String home, String stateDir, String inlineCommand, Map<String, String> env) {
        var command = StatelessCommand.of(inlineCommand).orElse(null);
        if (command == null) return "";
        StringBuilder unshadowed = new StringBuilder();
        for (String word : command.commandWords().stream().distinct().toList()) {
            String q = ShellQuote.quote(word);
            unshadowed.append("[ -z \"${BASH_ALIASES[").append(q).append("]+x}\" ] && ! declare -F -- ").append(q)
                    .append(" > /dev/null && ");
        }
        return "if [ -z \"${__fg_marked:-}\" ]; then\n" + LOGIN_UMASK
                + "__fg_state=" + ShellQuote.quote(stateDir + "/shell") + "\n"
                + restore(env)
                + "if " + unshadowed + "{ declare -F conda > /dev/null || ! " + CONDA_FOUND + "; }; then\n"
                + enter(home) + command.text() + "\nexit\nfi\nfi\n";
    }

    /**
     * Makes the shell that runs a command carry the markers of {@code env} in its own environment, not only its
     * children: it starts itself again with them exported (an exec, not a fork), so that ending a step or an
     * instance by its marker ends this shell too, and not only the command it runs at that moment.
     */
    private static String carryMarkers(Map<String, String> env) {
        StringBuilder exports = new StringBuilder();
        for (String name : List.of(ProcessMarker.INSTANCE, ProcessMarker.STEP)) {
            if (env.containsKey(name)) exports.append(' ').append(name).append('=').append(ShellQuote.quote(env.get(name)));
        }
        if (exports.isEmpty()) return "";
        return "if [ -z \"${__fg_marked:-}\" ]; then export __fg_marked=1" + exports
                + "; exec \"$BASH\" -c \"$BASH_EXECUTION_STRING\"; fi; unset __fg_marked\n";
    }

    /**
     * The runner of a non-blocking command: records its pid, runs the command in the restored state
     * (without saving it back: commands running side by side must not overwrite each other's state),
     * and records the exit code atomically when it ends.
     */
    static String background(String home, String stateDir, String commandFile, String logFile, String pidFile, String exitFile,
                             Map<String, String> env) {
        String exit = ShellQuote.quote(exitFile);
        return LOGIN_UMASK + "umask 077\n"
                + "__fg_state=" + ShellQuote.quote(stateDir + "/shell") + "\n"
                + "echo $$ > " + ShellQuote.quote(pidFile) + "\n"
                + "umask \"$__fg_um\"\n"
                + "(\n" + prelude(home, env, "", "") + ". " + ShellQuote.quote(commandFile) + "\n) > "
                + ShellQuote.quote(logFile) + " 2>&1 < /dev/null\n"
                + "__fg_rc=$?; umask 077\n"
                + "echo $__fg_rc > " + exit + ".tmp && mv -f " + exit + ".tmp " + exit + "\n";
    }

    /**
     * Writes each of {@code files} (path to contents) readable by its owner only, in folders of FastGPU's that
     * only the owner can enter, and makes the files in {@code written} (already there) owner-only too.
     */
    static String privateFiles(String stateDir, Map<String, String> files, List<String> written) {
        StringBuilder sb = new StringBuilder(LOGIN_UMASK).append("umask 077\n");
        Stream.concat(files.keySet().stream(), written.stream()).map(ShellScripts::parent).distinct()
                .forEach(dir -> sb.append(privateDir(stateDir, dir)));
        files.forEach((file, contents) -> sb.append(writeFile(file, contents)));
        written.forEach(file -> sb.append(ownerOnly(stateDir, file)));
        return sb.append("umask \"$__fg_um\"\n").toString();
    }

    /** Makes {@code dir} under umask 077 when missing, and then FastGPU's folder owner-only too (made by an older version). */
    private static String privateDir(String stateDir, String dir) {
        String d = ShellQuote.quote(dir);
        return "[ -d " + d + " ] || { mkdir -p " + d + " && chmod 700 " + ShellQuote.quote(stateDir) + "; }\n";
    }

    /** Makes a file written beforehand (by the transport, under the login's umask) owner-only, and its folders. */
    private static String ownerOnly(String stateDir, String file) {
        return "chmod 600 " + ShellQuote.quote(file) + "; chmod 700 " + ShellQuote.quote(parent(file)) + " "
                + ShellQuote.quote(stateDir) + "\n";
    }

    private static String parent(String file) {
        int slash = file.lastIndexOf('/');
        return slash > 0 ? file.substring(0, slash) : "/";
    }

    /**
     * Starts {@code runnerFile} detached from the caller: in the task's tmux session when tmux is there
     * (so {@code fastgpu tmux} can watch it), else in a new session with no terminal.
     */
    static String detach(String runnerFile, String logFile, String tmuxSocket, String windowName) {
        String runner = ShellQuote.quote(runnerFile);
        String sock = ShellQuote.quote(tmuxSocket);
        String window = "bash " + runner + " & tail --pid=$! -n +1 -F " + ShellQuote.quote(logFile) + " 2>/dev/null";
        return "if command -v tmux >/dev/null 2>&1 && [ " + tmuxSocket.length() + " -lt 100 ]; then\n"
                + "  tmux -S " + sock + " has-session -t fastgpu 2>/dev/null"
                + " || tmux -S " + sock + " new-session -d -s fastgpu -n shell\n"
                + "  tmux -S " + sock + " new-window -d -t fastgpu -n " + ShellQuote.quote(windowName) + " "
                + ShellQuote.quote(window) + "\n"
                + "else\n"
                + "  setsid nohup bash " + runner + " > /dev/null 2>&1 < /dev/null &\n"
                + "fi\n";
    }

    /**
     * Writes {@code contents} to {@code file} byte for byte with a quoted here-document whose delimiter is
     * random, so no line of the contents can end it early.
     */
    static String writeFile(String file, String contents) {
        String delimiter;
        do {
            delimiter = "FASTGPU_" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        } while (contents.contains(delimiter));
        String dir = ShellQuote.quote(parent(file));
        // Builtins only; the here-document adds a final newline, which the expansion takes off again.
        return "[ -d " + dir + " ] || mkdir -p " + dir + "\n"
                + "IFS= read -r -d '' __fg_cmd <<'" + delimiter + "'\n" + contents + "\n" + delimiter + "\n"
                + "printf '%s' \"${__fg_cmd%$'\\n'}\" > " + ShellQuote.quote(file) + "; unset __fg_cmd\n";
    }

    /** Prints {@code exit:<code>}, {@code running} or {@code gone} for a non-blocking command. */
    static String status(String pidFile, String exitFile) {
        String exit = ShellQuote.quote(exitFile);
        return "if [ -f " + exit + " ]; then echo \"exit:$(cat " + exit + ")\";"
                + " elif kill -0 \"$(cat " + ShellQuote.quote(pidFile) + " 2>/dev/null)\" 2>/dev/null; then echo running;"
                + " elif [ -f " + exit + " ]; then echo \"exit:$(cat " + exit + ")\"; else echo gone; fi\n";
    }

    /** Finds conda's command ({@code $__fg_c}) when it is installed; the conda hook below runs it. */
    private static final String CONDA_FOUND = "{ __fg_c=; if command -v conda >/dev/null 2>&1; then __fg_c=$(command -v conda); fi;"
            + " for __fg_c in \"$__fg_c\" \"$HOME/miniconda3/bin/conda\" \"$HOME/anaconda3/bin/conda\" /opt/conda/bin/conda; do"
            + " if [ -n \"$__fg_c\" ] && [ -x \"$__fg_c\" ]; then break; fi; __fg_c=; done; [ -n \"$__fg_c\" ]; }";

    /**
     * Restores the saved state in {@code $__fg_state} and its umask (else the login's); a task without a saved
     * state starts in its home folder. {@code afterRestore} runs once the state and {@code env} are in place,
     * {@code atStart} right before the command.
     */
    private static String prelude(String home, Map<String, String> env, String afterRestore, String atStart) {
        return restore(env) + afterRestore
                // conda's activate is a shell function that login shells get from .bashrc; give it to scripts too.
                + "if ! declare -F conda >/dev/null && " + CONDA_FOUND + "; then eval \"$(\"$__fg_c\" shell.bash hook 2>/dev/null)\"; fi\n"
                + "unset __fg_c\n"
                + enter(home) + atStart;
    }

    /** The saved exports, aliases, functions and umask, then {@code env}. */
    private static String restore(Map<String, String> env) {
        StringBuilder sb = new StringBuilder();
        sb.append("shopt -s expand_aliases\n")
          .append("if [ -f \"$__fg_state/env\" ]; then . \"$__fg_state/env\" 2>/dev/null; fi\n");
        env.forEach((k, v) -> sb.append("export ").append(k).append('=').append(ShellQuote.quote(v)).append('\n'));
        // FastGPU's Python package (fastgpu.metrics) last on PYTHONPATH, once, when it is installed: the user's come first.
        sb.append("__fg_py=\"${__fg_state%/shell}/python\"; if [ -d \"$__fg_py\" ]; then case \":${PYTHONPATH:-}:\" in")
          .append(" *\":$__fg_py:\"*) ;; *) export PYTHONPATH=\"${PYTHONPATH:+$PYTHONPATH:}$__fg_py\" ;; esac; fi; unset __fg_py\n");
        sb.append("[ -z \"${__fg_umask:-}\" ] || __fg_um=$__fg_umask; unset __fg_umask; umask \"$__fg_um\"\n");
        return sb.toString();
    }

    /** The saved working directory, else the task's home folder. */
    private static String enter(String home) {
        return "if [ -n \"${__fg_cwd:-}\" ]; then cd \"$__fg_cwd\" 2>/dev/null || cd " + ShellQuote.quote(home)
                + "; else cd " + ShellQuote.quote(home) + "; fi\n"
                + "unset __fg_cwd\n";
    }
}
