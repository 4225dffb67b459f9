package io.fastgpu.emulator.tione;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the emulated platform offers: regions, training frameworks, resource specs and their prices. */
final class Catalog {
    static final List<String> REGIONS = List.of("ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-nanjing");

    /** A framework: name, version, environment and training modes, as DescribeTrainingFrameworks lists them. */
    record Framework(String name, String version, String environment, List<String> modes) {}

    /** A resource spec: its name, GPUs per node, what they are, CPU, memory (GB), price per node-hour in cents. */
    record Spec(String name, int gpus, String gpuType, int cpu, int memoryGb, long centsPerHour) {}

    static final List<Framework> FRAMEWORKS = List.of(
            new Framework("PYTORCH", "1.9", "torch1.9-py3.8-cuda11.1-gpu", List.of("DDP", "MPI", "HOROVOD")),
            new Framework("PYTORCH", "1.9", "torch1.9-py3.8-cpu", List.of("DDP")),
            new Framework("TENSORFLOW", "1.15", "tf1.15-py3.7-cpu", List.of("PS_WORKER", "MPI", "HOROVOD")),
            new Framework("TENSORFLOW", "2.4", "tf2.4-py3.8-cuda11.1-gpu", List.of("PS_WORKER", "MPI", "HOROVOD")),
            new Framework("SPARK", "3.0", "spark3.0-py3.7", List.of("SPARK")));

    static final Map<String, Spec> SPECS = specs(
            new Spec("TI.S.MEDIUM.POST", 0, "", 2, 4, 58),
            new Spec("TI.S.LARGE.POST", 0, "", 4, 8, 116),
            new Spec("TI.GN7.LARGE20.POST", 1, "T4", 4, 20, 880),
            new Spec("TI.GN10.2XLARGE40.POST", 1, "V100", 8, 40, 2138),
            new Spec("TI.GN10.4XLARGE80.POST", 2, "V100", 16, 80, 4276));

    private Catalog() {}

    private static Map<String, Spec> specs(Spec... specs) {
        Map<String, Spec> m = new LinkedHashMap<>();
        for (Spec s : specs) {
            m.put(s.name(), s);
        }
        return m;
    }

    static Framework framework(String name, String environment, String mode) {
        for (Framework f : FRAMEWORKS) {
            if (f.name().equals(name) && f.environment().equals(environment) && (mode == null || f.modes().contains(mode))) {
                return f;
            }
        }
        return null;
    }
}
