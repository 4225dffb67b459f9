package io.fastgpu.core.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A command that cannot change the state of the shell that runs it, told by its text alone: one pipeline of
 * simple commands ({@code hostname}, {@code nvidia-smi -L | head -n 1}, {@code python3 train.py --lr=0.1 > log})
 * whose command words are neither bash's state-changing builtins nor its keywords, with no expansion
 * ({@code $}, backquotes), no assignment, no grouping, no list ({@code ;}, {@code &&}, {@code ||}, {@code &})
 * and no comment. Such a command runs without saving the shell's state afterwards, as long as none of its
 * command words is an alias or a function on the machine (checked there, see {@link ShellScripts}).
 *
 * <p>The check is conservative: whatever it cannot read for sure, such as a quoted {@code $} or a newline,
 * takes the full path, which behaves the same, only slower.
 */
record StatelessCommand(String text, List<String> commandWords) {
    /** Builtins that cannot change the shell's state; every other builtin and keyword takes the full path. */
    private static final Set<String> SAFE_BUILTINS = Set.of("echo", "true", "false", "test", "[", "pwd", ":");
    private static final Set<String> SHELL_WORDS = Set.of(
            // keywords
            "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do", "done",
            "in", "function", "time", "coproc", "{", "}", "!", "[[", "]]",
            // builtins
            ".", "source", "alias", "unalias", "bg", "bind", "break", "builtin", "caller", "cd", "command",
            "compgen", "complete", "compopt", "continue", "declare", "dirs", "disown", "enable", "eval", "exec",
            "exit", "export", "fc", "fg", "getopts", "hash", "help", "history", "jobs", "kill", "let", "local",
            "logout", "mapfile", "popd", "printf", "pushd", "read", "readarray", "readonly", "return", "set",
            "shift", "shopt", "suspend", "times", "trap", "type", "typeset", "ulimit", "umask", "unset", "wait");
    private static final Pattern COMMAND_WORD = Pattern.compile("[A-Za-z0-9_./:+@,-]+|\\[");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:+@%,=~*?\\[\\]^-]");
    private static final Pattern REDIRECTION = Pattern.compile("[0-9]*(>>?|<|&>)(&[0-9]+)?");
    private static final int MAX_LENGTH = 1024;

    /** The command when its text shows it cannot change the shell's state, else empty. */
    static Optional<StatelessCommand> of(String text) {
        if (text == null || text.isBlank() || text.length() > MAX_LENGTH) return Optional.empty();
        List<String> words = new ArrayList<>();
        boolean atCommand = true;
        boolean redirectTarget = false;
        for (String token : text.strip().split("[ \t]+")) {
            if (token.equals("|")) {
                if (atCommand || redirectTarget) return Optional.empty();
                atCommand = true;
                continue;
            }
            var redirection = REDIRECTION.matcher(token);
            if (redirection.lookingAt()) {
                if (atCommand && words.isEmpty() || redirectTarget) return Optional.empty();
                String rest = token.substring(redirection.end());
                if (!rest.isEmpty() && !isWord(rest)) return Optional.empty();
                redirectTarget = rest.isEmpty() && redirection.group(2) == null;
                continue;
            }
            if (!isWord(token)) return Optional.empty();
            if (redirectTarget) {
                redirectTarget = false;
                continue;
            }
            if (atCommand) {
                if (!COMMAND_WORD.matcher(token).matches()) return Optional.empty();
                if (SHELL_WORDS.contains(token) && !SAFE_BUILTINS.contains(token)) return Optional.empty();
                words.add(token);
                atCommand = false;
            }
        }
        if (atCommand || redirectTarget || words.isEmpty()) return Optional.empty();
        return Optional.of(new StatelessCommand(text.strip(), List.copyOf(words)));
    }

    /** Plain characters, and quotes that hold no expansion and no escape. */
    private static boolean isWord(String token) {
        int i = 0;
        while (i < token.length()) {
            char c = token.charAt(i);
            if (c == '\'' || c == '"') {
                int end = token.indexOf(c, i + 1);
                if (end < 0) return false;
                String inside = token.substring(i + 1, end);
                if (c == '"' && (inside.contains("$") || inside.contains("`") || inside.contains("\\") || inside.contains("!"))) {
                    return false;
                }
                if (inside.contains("\n")) return false;
                i = end + 1;
            } else if (PLAIN.matcher(String.valueOf(c)).matches()) {
                i++;
            } else {
                return false;
            }
        }
        return true;
    }
}
