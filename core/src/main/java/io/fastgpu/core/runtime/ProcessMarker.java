package io.fastgpu.core.runtime;

import io.fastgpu.core.util.ShellQuote;

/**
 * The environment entries by which FastGPU finds the processes it started, and the script that ends them.
 *
 * <p>Every process of an instance carries {@value #INSTANCE}, every process of a launch's step also
 * {@value #STEP}, inherited by all their descendants, also those that left the process group or session
 * ({@code setsid}, {@code nohup}, a tmux server): so the environment, more than the process tree, says what
 * belongs to what. A process started with a cleared environment ({@code env -i}) has lost the marker; it is
 * found as a descendant of a marked process, or as a member of a session that a marked process leads. (One
 * that is neither, an orphan whose session leader has gone, cannot be told apart from the machine's other
 * processes and is left alone.)
 */
public final class ProcessMarker {
    /** Names the instance (a task's machine) in the environment of each of its processes. */
    public static final String INSTANCE = "FASTGPU_INSTANCE_ID";
    /** Names one step of one launch in the environment of each of its processes. */
    public static final String STEP = "FASTGPU_STEP_ID";

    private ProcessMarker() { }

    /** {@link #endScript(String, String, String)} without a second marker. */
    public static String endScript(String name, String value) { return endScript(name, value, null); }

    /**
     * Bash that ends every process whose environment holds {@code name=value} exactly (and, when
     * {@code alsoNamed} is given, a variable of that name, whatever its value), with their descendants and the
     * members of the sessions they lead, except those marked with another value of {@code name}: TERM first
     * (to all of them stopped, then continued), then KILL for what is left. It never ends itself, its own
     * children or its ancestors. It exits 0 once none is left, else 1 with {@code still running: PIDS} on
     * stderr. Linux only ({@code /proc}).
     */
    public static String endScript(String name, String value, String alsoNamed) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*") || (alsoNamed != null && !alsoNamed.matches("[A-Za-z_][A-Za-z0-9_]*"))) {
            throw new IllegalArgumentException("not a variable name: " + name + " / " + alsoNamed);
        }
        String pattern = "^(" + name + (alsoNamed == null ? "" : "|" + alsoNamed) + ")=";
        return "__fg_name=" + name + "; __fg_value=" + ShellQuote.quote(value) + "; __fg_also=" + (alsoNamed == null ? "" : alsoNamed) + "\n"
                // pid -> "ppid session" of every process, from /proc/PID/stat (comm may hold spaces and parentheses)
                + "__fg_table() {\n"
                + "  local f l p a; __fg_parent=(); __fg_session=()\n"
                + "  for f in /proc/[0-9]*/stat; do\n"
                + "    l=; read -r l 2>/dev/null < \"$f\" || continue; p=${f#/proc/}; p=${p%/stat}\n"
                + "    a=(${l##*) }); __fg_parent[$p]=${a[1]}; __fg_session[$p]=${a[3]}\n"
                + "  done\n"
                + "}\n"
                + "__fg_find() {\n"
                + "  local l f p v changed; local -A own=() other=() also=() mine=() hit=()\n"
                + "  __fg_table\n"
                + "  while IFS= read -r -d '' l; do\n"
                + "    f=${l%%:*}; v=${l#*:}; p=${f#/proc/}; p=${p%/environ}\n"
                + "    case $v in \"$__fg_name=$__fg_value\") own[$p]=1 ;; \"$__fg_name=\"*) other[$p]=1 ;; esac\n"
                + "    [ -n \"$__fg_also\" ] && case $v in \"$__fg_also=\"*) also[$p]=1 ;; esac\n"
                + "  done < <(grep -H -s -z -o -E '" + pattern + ".*' /proc/[0-9]*/environ)\n"
                // this script and what it started (the grep above, a subshell) are never ended
                + "  mine[$$]=1; changed=1\n"
                + "  while [ $changed = 1 ]; do changed=0\n"
                + "    for p in \"${!__fg_parent[@]}\"; do\n"
                + "      if [ -z \"${mine[$p]:-}\" ] && [ -n \"${mine[${__fg_parent[$p]}]:-}\" ]; then mine[$p]=1; changed=1; fi\n"
                + "    done\n"
                + "  done\n"
                + "  for p in \"${!own[@]}\"; do\n"
                + "    [ -n \"$__fg_also\" ] && [ -z \"${also[$p]:-}\" ] && continue\n"
                + "    [ -n \"${mine[$p]:-}\" ] || [ -n \"${__fg_spared[$p]:-}\" ] || [ -z \"${__fg_parent[$p]:-}\" ] && continue\n"
                + "    hit[$p]=1; [ \"${__fg_session[$p]}\" = \"$p\" ] && __fg_led[$p]=1\n"
                + "  done\n"
                + "  changed=1\n"
                + "  while [ $changed = 1 ]; do changed=0\n"
                + "    for p in \"${!__fg_parent[@]}\"; do\n"
                + "      [ -n \"${hit[$p]:-}\" ] || [ -n \"${other[$p]:-}\" ] || [ -n \"${mine[$p]:-}\" ] || [ -n \"${__fg_spared[$p]:-}\" ] && continue\n"
                + "      if [ -n \"${hit[${__fg_parent[$p]}]:-}\" ] || [ -n \"${__fg_led[${__fg_session[$p]}]:-}\" ]; then hit[$p]=1; changed=1; fi\n"
                + "    done\n"
                + "  done\n"
                + "  __fg_pids=\"${!hit[*]}\"\n"
                + "}\n"
                // the sessions marked processes led, remembered across rounds: what a leader orphaned is found after it ended
                + "declare -A __fg_led=()\n"
                // this script's ancestors (whoever runs it may carry the marker) and init are never ended
                + "declare -A __fg_spared=([1]=1); __fg_table; __fg_p=${__fg_parent[$$]:-}\n"
                + "while [ -n \"$__fg_p\" ] && [ \"$__fg_p\" -gt 1 ] && [ -z \"${__fg_spared[$__fg_p]:-}\" ]; do"
                + " __fg_spared[$__fg_p]=1; __fg_p=${__fg_parent[$__fg_p]:-}; done\n"
                + "for __fg_round in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do\n"
                + "  __fg_find; [ -z \"$__fg_pids\" ] && exit 0\n"
                // All stopped first, so that none acts on another's end (a shell running its next command when
                // its current one ends, a supervisor restarting a worker) before its own TERM arrives.
                + "  if [ $__fg_round -le 3 ]; then kill -STOP $__fg_pids 2>/dev/null; kill -TERM $__fg_pids 2>/dev/null;"
                + " kill -CONT $__fg_pids 2>/dev/null; sleep 0.2;"
                + " else kill -KILL $__fg_pids 2>/dev/null; sleep 0.1; fi\n"
                + "done\n"
                + "__fg_find; [ -z \"$__fg_pids\" ] && exit 0\n"
                + "echo \"still running: $__fg_pids\" >&2; exit 1\n";
    }
}
