package io.fastgpu.core.runtime;

import io.fastgpu.core.util.ShellQuote;

/**
 * The bash that saves what one command changed in its shell (exported variables, functions, aliases, working
 * directory, umask) into the task's saved state. Each command records what it started with, compares on exit,
 * and merges only its own changes into the state saved meanwhile, under a lock on the machine ({@code flock}):
 * commands running side by side on one task ({@code fastgpu exec} from several terminals) lose none of each
 * other's changes. A command that changed nothing writes nothing; the comparison is builtins only.
 *
 * <p>The scripts use {@code $__fg_state} (the state folder), {@code $__fg_tmp} (a scratch file of this command,
 * already created owner-only), {@code $__fg_skip} (" NAME NAME ": variables never saved) and {@code $__fg_um}
 * (the umask the command starts with).
 */
final class ShellStateMerge {
    /** Variables that describe one process or connection, never carried from call to call. */
    static final String TRANSIENT = "BASHOPTS BASH_VERSINFO EUID PPID SHELLOPTS UID SHLVL _ PWD TMUX TMUX_PANE"
            + " SSH_CLIENT SSH_CONNECTION SSH_TTY";

    /**
     * Run in a bash with an empty environment: the saved state ($1, if any), then one command's changes ($2),
     * printed as the new saved state.
     */
    private static final String MERGE = "unset -v OLDPWD\n"
            + "[ -f \"$1\" ] && . \"$1\"\n"
            + ". \"$2\"\n"
            + "unset -f __fastgpu_save __fg_function_changes\n"
            + "( unset -v " + TRANSIENT + "; export -p ); declare -f; alias -p\n"
            + "[ -z \"${__fg_cwd+x}\" ] || printf '__fg_cwd=%q\\n' \"$__fg_cwd\"\n"
            + "[ -z \"${__fg_umask+x}\" ] || printf '__fg_umask=%s\\n' \"$__fg_umask\"\n";

    private ShellStateMerge() { }

    /**
     * What the shell holds once the saved state is restored: exported variables, aliases and functions. Run
     * before anything that should count as a change (the conda hook: so its functions are saved, and it runs once).
     */
    static String snapshot() {
        return "compgen -e > \"$__fg_tmp\"; mapfile -t __fg_bn < \"$__fg_tmp\"; declare -A __fg_bv=() __fg_ba=()\n"
                + "for __fg_n in \"${__fg_bn[@]}\"; do __fg_bv[$__fg_n]=${!__fg_n}; done\n"
                + "for __fg_n in \"${!BASH_ALIASES[@]}\"; do __fg_ba[$__fg_n]=${BASH_ALIASES[$__fg_n]}; done\n"
                + "declare -F > \"$__fg_tmp\"; mapfile -t __fg_bfn < \"$__fg_tmp\"\n"
                + "declare -f > \"$__fg_tmp\"; __fg_bf=; IFS= read -r -d '' __fg_bf < \"$__fg_tmp\"\n"
                + "unset __fg_n __fg_bn\n";
    }

    /** The working directory and umask the command starts in; run right before it. */
    static String snapshotPlace() {
        return "__fg_bcwd=$PWD; __fg_bum=$__fg_um\n";
    }

    /**
     * Defines {@code __fastgpu_save}: compares the shell with the snapshot, writes the differences as a script
     * and, when there are any, merges them into the saved state under the lock; then removes this command's
     * files ({@code commandFile} too).
     */
    static String saveFunction(String commandFile) {
        return "__fastgpu_save() {\n"
                + "  set +e +u +x; set +o pipefail\n"
                + "  local __fg_n __fg_v __fg_k __fg_u=$__fg_bum; local -a __fg_names; local -A __fg_now=()\n"
                + "  while read -r __fg_k __fg_v; do [ \"$__fg_k\" = Umask: ] && { __fg_u=$__fg_v; break; }; done"
                + " 2>/dev/null < /proc/$$/status\n"
                + "  umask 077\n"
                + "  {\n"
                + "    compgen -e > \"$__fg_tmp\"; mapfile -t __fg_names < \"$__fg_tmp\"\n"
                + "    for __fg_n in \"${__fg_names[@]}\"; do\n"
                + "      case \"$__fg_skip\" in *\" $__fg_n \"*) continue ;; esac\n"
                + "      __fg_now[$__fg_n]=1\n"
                + "      [ -n \"${__fg_bv[$__fg_n]+x}\" ] && [ \"${__fg_bv[$__fg_n]}\" = \"${!__fg_n}\" ] && continue\n"
                + "      declare -p \"$__fg_n\"\n"
                + "    done\n"
                + "    for __fg_n in \"${!__fg_bv[@]}\"; do\n"
                + "      case \"$__fg_skip\" in *\" $__fg_n \"*) continue ;; esac\n"
                + "      [ -n \"${__fg_now[$__fg_n]:-}\" ] || printf 'unset -v %s\\n' \"$__fg_n\"\n"
                + "    done\n"
                + "    for __fg_n in \"${!BASH_ALIASES[@]}\"; do\n"
                + "      [ -n \"${__fg_ba[$__fg_n]+x}\" ] && [ \"${__fg_ba[$__fg_n]}\" = \"${BASH_ALIASES[$__fg_n]}\" ] && continue\n"
                + "      printf 'alias %q=%q\\n' \"$__fg_n\" \"${BASH_ALIASES[$__fg_n]}\"\n"
                + "    done\n"
                + "    for __fg_n in \"${!__fg_ba[@]}\"; do [ -n \"${BASH_ALIASES[$__fg_n]+x}\" ] || printf 'unalias %q\\n' \"$__fg_n\"; done\n"
                + "    declare -f > \"$__fg_tmp\"; __fg_v=; IFS= read -r -d '' __fg_v < \"$__fg_tmp\"\n"
                + "    [ \"$__fg_v\" = \"$__fg_bf\" ] || __fg_function_changes\n"
                + "    [ \"$PWD\" = \"$__fg_bcwd\" ] || printf '__fg_cwd=%q\\n' \"$PWD\"\n"
                + "    [ \"$__fg_u\" = \"$__fg_bum\" ] || printf '__fg_umask=%s\\n' \"$__fg_u\"\n"
                + "  } > \"$__fg_tmp.diff\" 2>/dev/null\n"
                + "  if [ -s \"$__fg_tmp.diff\" ]; then\n"
                + "    {\n"
                + "      command -p -v flock > /dev/null 2>&1 && command -p flock -w 60 9\n"
                + "      ( exec -c \"$BASH\" --norc --noprofile -c " + ShellQuote.quote(MERGE) + " fastgpu-merge"
                + " \"$__fg_state/env\" \"$__fg_tmp.diff\" ) > \"$__fg_tmp.env\" 2>/dev/null"
                + " && command -p mv -f \"$__fg_tmp.env\" \"$__fg_state/env\"\n"
                + "    } 9> \"$__fg_state/lock\"\n"
                + "  fi\n"
                + "  command -p rm -f " + ShellQuote.quote(commandFile) + " \"$__fg_tmp\" \"$__fg_tmp.diff\" \"$__fg_tmp.env\"\n"
                + "}\n"
                // The functions a command added, changed or removed; in a subshell, which may redefine them freely.
                + "__fg_function_changes() (\n"
                + "  declare -A __fg_after=() __fg_before=(); local __fg_l __fg_n __fg_b\n"
                + "  declare -F > \"$__fg_tmp\"; mapfile -t __fg_l < \"$__fg_tmp\"\n"
                + "  for __fg_n in \"${__fg_l[@]}\"; do __fg_n=${__fg_n##* }\n"
                + "    case $__fg_n in __fg_*|__fastgpu_*) continue ;; esac\n"
                + "    declare -f \"$__fg_n\" > \"$__fg_tmp\"; __fg_b=; IFS= read -r -d '' __fg_b < \"$__fg_tmp\"; __fg_after[$__fg_n]=$__fg_b\n"
                + "  done\n"
                + "  eval \"$__fg_bf\"\n"
                + "  for __fg_n in \"${__fg_bfn[@]}\"; do __fg_n=${__fg_n##* }\n"
                + "    case $__fg_n in __fg_*|__fastgpu_*) continue ;; esac\n"
                + "    declare -f \"$__fg_n\" > \"$__fg_tmp\"; __fg_b=; IFS= read -r -d '' __fg_b < \"$__fg_tmp\"; __fg_before[$__fg_n]=$__fg_b\n"
                + "  done\n"
                + "  for __fg_n in \"${!__fg_after[@]}\"; do\n"
                + "    [ -n \"${__fg_before[$__fg_n]+x}\" ] && [ \"${__fg_before[$__fg_n]}\" = \"${__fg_after[$__fg_n]}\" ] && continue\n"
                + "    printf '%s\\n' \"${__fg_after[$__fg_n]}\"\n"
                + "  done\n"
                + "  for __fg_n in \"${!__fg_before[@]}\"; do [ -n \"${__fg_after[$__fg_n]+x}\" ] || printf 'unset -f %q\\n' \"$__fg_n\"; done\n"
                + ")\n";
    }
}
