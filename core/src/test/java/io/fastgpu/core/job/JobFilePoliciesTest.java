package io.fastgpu.core.job;

import io.fastgpu.api.InvalidSpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The job file's keys for watched runs: managed, recovery, autostop, cost caps, metrics, register, data. */
class JobFilePoliciesTest {
    @TempDir Path dir;

    private JobFile parse(String yaml) throws IOException {
        Files.writeString(dir.resolve("job.yaml"), "name: x\nsteps: [{name: s, run: a}]\n" + yaml);
        return JobFileParser.parse(dir);
    }

    @Test
    void readsEveryPolicy() throws IOException {
        JobFile j = parse("""
                managed: true
                recovery: {on: [preemption, node-lost], exit: [137], max_restarts: 5, checkpoint_dir: ckpt}
                autostop: {idle: 1h30m, down: true}
                max_cost: 5.00
                max_duration: 6h
                metrics: [{name: acc1, regex: 'Acc@1 ([0-9.]+)'}]
                register: {name: gesture, path: GTC/save_model.pth, framework: pytorch}
                data: {'cos://bucket/path/': /opt/ml/input/data/train}
                cluster: lab
                resources: {framework: PYTORCH/torch1.9-py3.8-cuda11.1-gpu/DDP}
                """);
        assertThat(j.managed()).isTrue();
        assertThat(j.recovery().on()).containsExactlyInAnyOrder(Recovery.Trigger.PREEMPTION, Recovery.Trigger.NODE_LOST);
        assertThat(j.recovery().exitCodes()).containsExactly(137);
        assertThat(j.recovery().maxRestarts()).isEqualTo(5);
        assertThat(j.recovery().checkpointDir()).isEqualTo("ckpt");
        assertThat(j.recovery().enabled()).isTrue();
        assertThat(j.costGuard().autostop().mode()).isEqualTo(CostGuard.Autostop.Mode.ON);
        assertThat(j.costGuard().autostop().idle()).isEqualTo(Duration.ofMinutes(90));
        assertThat(j.costGuard().autostop().down()).isTrue();
        assertThat(j.costGuard().maxCost()).isEqualTo(5.0);
        assertThat(j.costGuard().maxDuration()).isEqualTo(Duration.ofHours(6));
        assertThat(j.metrics()).singleElement().satisfies(m -> {
            assertThat(m.name()).isEqualTo("acc1");
            assertThat(m.regex().matcher("Acc@1 0.75").find()).isTrue();
        });
        assertThat(j.register()).isEqualTo(new RegisterSpec("gesture", "GTC/save_model.pth", "pytorch", ""));
        assertThat(j.data()).containsEntry("cos://bucket/path/", "/opt/ml/input/data/train");
        assertThat(j.backendOptions()).containsEntry("cluster", "lab")
                .containsEntry("framework", "PYTORCH/torch1.9-py3.8-cuda11.1-gpu/DDP");
    }

    @Test
    void nothingSaidMeansTheDefaults() throws IOException {
        JobFile j = parse("");
        assertThat(j.managed()).isFalse();
        assertThat(j.recovery()).isEqualTo(Recovery.NONE);
        assertThat(j.recovery().enabled()).isFalse();
        assertThat(j.costGuard()).isEqualTo(CostGuard.DEFAULT);
        assertThat(j.metrics()).isEmpty();
        assertThat(j.register()).isNull();
        assertThat(j.data()).isEmpty();
        assertThat(j.withManaged(true).managed()).isTrue();
    }

    @Test
    void autostopOffAndShortForms() throws IOException {
        assertThat(parse("autostop: off\n").costGuard().autostop()).isEqualTo(CostGuard.Autostop.OFF);
        assertThat(parse("autostop: 'off'\n").costGuard().autostop()).isEqualTo(CostGuard.Autostop.OFF);
        assertThat(parse("autostop: 30m\n").costGuard().autostop())
                .isEqualTo(new CostGuard.Autostop(CostGuard.Autostop.Mode.ON, Duration.ofMinutes(30), false));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            zero autostop            | autostop: 0m                                        | autostop: '0m' is not a positive duration
            negative idle            | autostop: {idle: -5}                                | autostop.idle: '-5' has no unit
            autostop without unit    | autostop: 30                                        | autostop: '30' has no unit
            unknown autostop key     | autostop: {idel: 5m}                                | autostop: unknown key 'idel' (did you mean 'idle'?)
            max_cost not a number    | max_cost: abc                                       | max_cost must be an amount of money such as 5.00, was 'abc'
            max_cost zero            | max_cost: 0                                         | max_cost must be more than 0
            bad max_duration         | max_duration: soon                                  | max_duration: 'soon' is not a duration
            unknown trigger          | recovery: {on: [preemptoin]}                        | recovery.on: unknown trigger 'preemptoin' (did you mean 'preemption'?)
            bad exit code            | recovery: {exit: [abc]}                             | recovery.exit: 'abc' is not an exit code
            recovery says nothing    | recovery: {max_restarts: 2}                         | recovery needs 'on'
            checkpoint outside       | recovery: {on: preemption, checkpoint_dir: ../x}    | recovery.checkpoint_dir '../x' must be a folder inside
            bad regex                | metrics: [{name: acc1, regex: 'Acc@1 ([0-9.]+'}]    | job.yaml:3: metrics[0] ('acc1'): the regex does not compile
            metric without regex     | metrics: [{name: acc1}]                             | metrics[0]: 'acc1' needs a 'regex'
            duplicate metric         | metrics: [{name: a, regex: x}, {name: a, regex: y}] | metric name 'a' is used twice
            register without path    | register: {name: gesture}                           | register.path '' must be a path inside the run folder
            register bad name        | register: {name: 'My Model', path: m.pth}           | register.name 'My Model' must be lower-case
            data without target      | data: {'cos://b/p/': ''}                            | data: 'cos://b/p/' needs the folder it appears in
            """)
    void badPoliciesAreOneLineEach(String what, String yaml, String expected) {
        assertThatThrownBy(() -> parse(yaml + "\n"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining(expected)
                .hasMessageContaining("job.yaml")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
