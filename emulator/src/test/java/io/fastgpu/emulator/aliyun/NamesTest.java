package io.fastgpu.emulator.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The documented ordered naming of RunInstances' InstanceName and HostName. */
class NamesTest {

    @Test
    void numbersFromBeginPaddedToBits() {
        assertThat(Names.expand("k8s-node-[1,4]-alibabacloud", 3, false))
                .containsExactly("k8s-node-0001-alibabacloud", "k8s-node-0002-alibabacloud", "k8s-node-0003-alibabacloud");
        assertThat(Names.expand("worker[6,2]", 2, false)).containsExactly("worker06", "worker07");
    }

    @Test
    void defaultsAreBeginZeroAndSixBits() {
        assertThat(Names.expand("node[]", 2, false)).containsExactly("node000000", "node000001");
        assertThat(Names.expand("node[,]", 1, false)).containsExactly("node000000");
        assertThat(Names.expand("node[7]", 1, false)).containsExactly("node000007");
    }

    @Test
    void aBeginLongerThanBitsGetsSixBits() {
        assertThat(Names.expand("node[12345,3]", 2, false)).containsExactly("node012345", "node012346");
    }

    @Test
    void withoutPrefixOrWithBadFieldsItIsAnOrdinaryName() {
        assertThat(Names.ordered("[1,4]", 2)).isNull();
        assertThat(Names.ordered("node[1, 4]", 2)).isNull();
        assertThat(Names.ordered("node[1,7]", 2)).isNull();
        assertThat(Names.ordered("node[1234567,4]", 2)).isNull();
        assertThat(Names.expand("node", 2, false)).containsExactly("node", "node");
    }

    @Test
    void uniqueSuffixAppliesToBatchesExceptNumberedNamesWithoutSuffix() {
        assertThat(Names.expand("node", 3, true)).containsExactly("node001", "node002", "node003");
        assertThat(Names.expand("node", 1, true)).containsExactly("node");
        // instance-[99,3] with UniqueSuffix stays instance-099, instance-100.
        assertThat(Names.expand("instance-[99,3]", 2, true)).containsExactly("instance-099", "instance-100");
        assertThat(Names.expand("k8s-[1,2]-host", 2, true)).containsExactly("k8s-01-host001", "k8s-02-host002");
    }

    @Test
    void validatesInstanceNamesAndHostnames() {
        assertThat(Names.validInstanceName("fastgpu-job:1.a_b")).isTrue();
        assertThat(Names.validInstanceName("训练-1")).isTrue();
        assertThat(Names.validInstanceName("1job")).isFalse();
        assertThat(Names.validInstanceName("j")).isFalse();
        assertThat(Names.validInstanceName("a".repeat(129))).isFalse();
        assertThat(Names.validHostName("worker-1.cluster")).isTrue();
        assertThat(Names.validHostName("-worker")).isFalse();
        assertThat(Names.validHostName("worker..a")).isFalse();
        assertThat(Names.validHostName("worker--a")).isFalse();
        assertThat(Names.validHostName("w_1")).isFalse();
    }
}
