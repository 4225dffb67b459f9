package io.fastgpu.core.runtime;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class StatelessCommandTest {
    @ParameterizedTest
    @ValueSource(strings = {"hostname", "  nvidia-smi -L | head -n 1 ", "python3 train.py --lr=0.1 > out.log 2>&1",
            "ls -la /data/*.csv", "./run.sh 'a-b' \"c\"", "cat < in.txt", "echo done", "[ -f x ]", "pwd",
            "du -sh ~/data", "make -j4 >> build.log"})
    void commandsThatCannotChangeTheirShellAreRecognised(String command) {
        assertThat(StatelessCommand.of(command)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cd /tmp", "export A=1", "A=1", "A=1 python3 x.py", "source venv/bin/activate",
            ". venv/bin/activate", "hostname; cd /", "true && cd /", "false || cd /", "sleep 9 &", "echo $HOME",
            "echo \"$HOME\"", "echo `id`", "f() { cd /; }", "( cd / )", "{ cd /; }", "if true; then cd /; fi",
            "alias x=y", "unset A", "umask 077", "set -e", "shopt -s nullglob", "eval cd /", "exec bash",
            "printf -v A x", "read A", "hostname # comment", "hostname\ncd /", "echo a\\ b", "%1", "ls |",
            "| ls", "ls >", "> out ls", "echo 'unterminated", "hash -r", "trap '' INT", "time hostname",
            "declare -x A=1", "pushd /tmp", "let a=1", "mapfile a < f", "command cd /", "builtin cd /", "",
            "~/bin/x", "*.sh"})
    void anythingThatCouldIsNot(String command) {
        assertThat(StatelessCommand.of(command)).isEmpty();
    }
}
