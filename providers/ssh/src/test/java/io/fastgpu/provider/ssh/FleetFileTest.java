package io.fastgpu.provider.ssh;

import io.fastgpu.api.InvalidSpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fleet files: what they say, and a one-line error naming file and line for each mistake. */
class FleetFileTest {
    @TempDir Path dir;

    private Fleet read(String yaml) throws Exception {
        return FleetFile.read("lab", Files.writeString(dir.resolve("lab.yaml"), yaml));
    }

    private Path file() { return dir.resolve("lab.yaml"); }

    @Test
    void defaultsApplyAndEachHostMayOverrideThem() throws Exception {
        Fleet f = read("""
                shared: true
                defaults: {user: root, port: 2200, key: ~/.ssh/id_lab, gpus: 8, gpu_type: V100}
                known_hosts: keys/known_hosts
                hosts:
                  - {host: 10.0.0.11}
                  - {host: gpu2, user: ubuntu, port: 22, key: /keys/gpu2, jump: bastion.example.com, gpus: 1, gpu_type: A100}
                  - host: ' 10.0.0.13 '
                """);
        assertThat(f.name()).isEqualTo("lab");
        assertThat(f.shared()).isTrue();
        assertThat(f.knownHosts()).isEqualTo(dir.resolve("keys/known_hosts")); // relative to the fleet file
        assertThat(f.hosts()).containsExactly(
                new Fleet.Host("10.0.0.11", 2200, "root", Path.of(System.getProperty("user.home"), ".ssh/id_lab"), "", 8, "V100"),
                new Fleet.Host("gpu2", 22, "ubuntu", Path.of("/keys/gpu2"), "bastion.example.com", 1, "A100"),
                new Fleet.Host("10.0.0.13", 2200, "root", Path.of(System.getProperty("user.home"), ".ssh/id_lab"), "", 8, "V100"));
    }

    @Test
    void whatIsNotSaidIsLeftToTheSshConfig() throws Exception {
        Fleet f = read("hosts: [{host: gpu1}]\n");
        assertThat(f.shared()).isFalse();
        assertThat(f.knownHosts()).isNull();
        assertThat(f.hosts()).containsExactly(new Fleet.Host("gpu1", 0, "", null, "", 0, ""));
    }

    @Test
    void aHostIsNamedByAddressAndPortSafelyForFileNames() {
        assertThat(new Fleet.Host("10.0.0.1", 0, "", null, "", 0, "").id()).isEqualTo("10.0.0.1_22");
        assertThat(new Fleet.Host("10.0.0.1", 22, "", null, "", 0, "").id()).isEqualTo("10.0.0.1_22");
        assertThat(new Fleet.Host("fe80::1%eth0", 2222, "", null, "", 0, "").id()).isEqualTo("fe80__1_eth0_2222");
        assertThat(new Fleet.Host("gpu1", 22, "", null, "", 0, "").display()).isEqualTo("gpu1");
        assertThat(new Fleet.Host("gpu1", 2222, "", null, "", 0, "").display()).isEqualTo("gpu1:2222");
    }

    @Test
    void anUnknownKeyIsNamedWithItsLineAndTheKnownOnes() {
        assertThatThrownBy(() -> read("hosts:\n  - {host: a}\n  - {host: b, gpu: 8}\n"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith(file() + ":3: unknown key 'gpu'; known: ")
                .hasMessageContaining("gpu_type").hasMessageContaining("gpus");
    }

    @Test
    void aFleetWithoutHostsSaysHowToAddOne() {
        assertThatThrownBy(() -> read("shared: true\n")).isInstanceOf(InvalidSpecException.class)
                .hasMessage(file() + ": fleet 'lab' lists no hosts; add 'hosts: [{host: ...}]'");
        assertThatThrownBy(() -> read("")).hasMessageContaining("fleet 'lab' lists no hosts");
    }

    @Test
    void eachHostNeedsAnAddressAndAPortInRange() {
        assertThatThrownBy(() -> read("hosts:\n  - {host: a}\n  - {user: root}\n")).isInstanceOf(InvalidSpecException.class)
                .hasMessage(file() + ": hosts[1] needs a 'host'");
        assertThatThrownBy(() -> read("hosts:\n  - {host: '  '}\n")).hasMessage(file() + ": hosts[0] needs a 'host'");
        assertThatThrownBy(() -> read("hosts:\n  - {host: a, port: 70000}\n")).isInstanceOf(InvalidSpecException.class)
                .hasMessage(file() + ": hosts[0]: port must be 1..65535, was 70000");
    }

    @Test
    void aMachineListedTwiceIsRefused() {
        // Port 22 said and port 22 implied are the same machine.
        assertThatThrownBy(() -> read("hosts:\n  - {host: 10.0.0.1}\n  - {host: 10.0.0.1, port: 22}\n"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage(file() + ": host 10.0.0.1 is listed twice in fleet 'lab'; each machine may appear once");
    }

    @Test
    void brokenYamlAndMissingFilesAreOneLine() {
        assertThatThrownBy(() -> read("hosts:\n  - {host: a\n")).isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith(file() + ":").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> read("hosts: {host: [a, b]}\n")).isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith(file() + ":1:");
        assertThatThrownBy(() -> FleetFile.read("none", dir.resolve("none.yaml"))).isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("cannot read fleet file " + dir.resolve("none.yaml"));
    }

    @Test
    void fleetNamesAreTheYamlFilesOfTheFolder() throws Exception {
        assertThat(FleetFile.names(dir.resolve("missing"))).isEmpty();
        Files.writeString(dir.resolve("b.yaml"), "");
        Files.writeString(dir.resolve("a.yaml"), "");
        Files.writeString(dir.resolve("notes.txt"), "");
        Files.writeString(dir.resolve("c.yml"), "");
        assertThat(FleetFile.names(dir)).containsExactly("a", "b");
    }
}
