package io.fastgpu.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The FastGPU 1.x create.cfg, read exactly, and every mistake in it one line with its place and exit code 2. */
class CreateConfigTest {
    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() { cli = new Cli(tmp); }

    static final String SEED = """
            [ncluster]
            ; The job name for current creation job.
            name=ncluster-v100
            ; The number of machine you want to create
            machines=1
            ; The system disk size for instances in GB
            system_disk_size=300
            ; The data disk size for instances in GB
            data_disk_size=0
            ; The system image name you want to installed in the instances.
            image_name=ubuntu_18_04_64_20G_alibase_20190624.vhd
            ; The instance type you want to create at Alibaba Cloud.
            instance_type=ecs.gn6v-c8g1.16xlarge
            ; The spot instance option; If you want to buy spot instance, please set it to True.
            spot=False
            ; confirm the cost
            confirm_cost=False
            skip_setup=False
            disable_nas=True
            zone_id=
            vpc_name=
            [cmd]
            install_script=pip install torch
              pip install numpy
            """;

    @Test
    void theSeedsFileIsRead() {
        cli.write("create.cfg", SEED);
        CreateConfig c = CreateConfig.read(cli.workDir().resolve("create.cfg"));
        assertThat(c.text("name")).isEqualTo("ncluster-v100");
        assertThat(c.integer("system_disk_size", "f")).isEqualTo(300);
        assertThat(c.bool("spot", "f")).isFalse();
        assertThat(c.bool("disable_nas", "f")).isTrue();
        assertThat(c.text("zone_id")).isEmpty();
        assertThat(c.text("install_script")).isEqualTo("pip install torch\npip install numpy");
    }

    @Test
    void aTypoInAKeyIsNamedWithItsLineAndASuggestion() {
        cli.write("create.cfg", SEED.replace("instance_type=", "instnace_type="));
        Cli.Result r = cli.run("create", "--config", "create.cfg").expectExit(2);
        assertThat(r.err()).contains("create.cfg:13: unknown key 'instnace_type' in [ncluster] (did you mean 'instance_type'?)");
        assertThat(r.errLines()).hasSize(1);
    }

    @Test
    void badValuesAndSectionsAreOneLineEach() {
        cli.write("a.cfg", SEED.replace("machines=1", "machines=two"));
        assertThat(cli.run("create", "-c", "a.cfg").expectExit(2).err()).contains("machines must be a whole number, was 'two'");
        cli.write("b.cfg", SEED.replace("spot=False", "spot=maybe"));
        assertThat(cli.run("create", "-c", "b.cfg").expectExit(2).err()).contains("spot must be True or False, was 'maybe'");
        cli.write("c.cfg", SEED.replace("[cmd]", "[cmds]"));
        assertThat(cli.run("create", "-c", "c.cfg").expectExit(2).err()).contains("unknown section [cmds] (did you mean [cmd]?)");
        cli.write("d.cfg", "name=x\n");
        assertThat(cli.run("create", "-c", "d.cfg").expectExit(2).err()).contains("comes before any section");
        assertThat(cli.run("create", "-c", "missing.cfg").expectExit(2).err()).contains("missing.cfg: no such file");
    }

    @Test
    void aNameThatIsNotAllowedIsRefusedBeforeAnythingHappens() {
        Cli.Result r = cli.run("create", "--name", "bad name!", "--yes").expectExit(2);
        assertThat(r.err()).contains("'bad name!' is not allowed as a job name");
        assertThat(cli.run("create").expectExit(2).err()).contains("create needs a job name");
    }

    @Test
    void withoutCredentialsCreateSaysWhatWasTried() {
        Cli.Result r = cli.run("create", "--name", "demo", "--yes").expectExit(1);
        assertThat(r.err()).contains("no Alibaba Cloud credentials: tried ALIYUN_ACCESS_KEY_ID/ALIYUN_ACCESS_KEY_SECRET (not set)");
        assertThat(r.errLines()).hasSize(1);
    }
}
