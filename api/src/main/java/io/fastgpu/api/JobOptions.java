package io.fastgpu.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to create or reuse a job: the arguments of the original {@code make_job}.
 *
 * @param name          job name: lower-case letters, digits and '-'; tasks are {@code task{i}.{name}}
 * @param runName       run name, which names the log folder; defaults to the job name
 * @param numTasks      number of machines, 1..256
 * @param backend       provider name ({@code local} by default)
 * @param resources     instance type, image, spot, disk
 * @param installScript run once on each newly created machine
 * @param skipSetup     do not run the install script even on new machines
 * @param nas           mount shared storage at the run root (providers that have it)
 * @param zone          zone to create machines in, empty for the provider's choice
 * @param confirmCost   the user already agreed to pay; do not ask
 * @param backendOptions what only this backend understands, e.g. {@code fleet} for {@code ssh}
 */
public record JobOptions(String name, String runName, int numTasks, String backend, Resources resources,
                         String installScript, boolean skipSetup, boolean nas, String zone, boolean confirmCost,
                         java.util.Map<String, String> backendOptions) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public JobOptions {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("job name must be lower-case letters, digits and '-' (not at either end),"
                    + " at most 63 characters, was '" + name + "'");
        }
        runName = runName == null || runName.isBlank() ? name : runName;
        if (!runName.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("run name must be letters, digits, '.', '_' or '-', was '" + runName + "'");
        }
        if (numTasks < 1 || numTasks > 256) {
            throw new IllegalArgumentException("machines must be 1..256, was " + numTasks);
        }
        backend = backend == null || backend.isBlank() ? "local" : backend;
        resources = resources == null ? Resources.DEFAULT : resources;
        installScript = installScript == null ? "" : installScript;
        zone = zone == null ? "" : zone;
        backendOptions = backendOptions == null ? java.util.Map.of() : java.util.Map.copyOf(backendOptions);
    }

    /** True when {@code name} is a valid job name. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static Builder builder(String name) { return new Builder(name); }

    /** Fluent construction for Java scripts. */
    public static final class Builder {
        private final String name;
        private String runName;
        private int numTasks = 1;
        private String backend = "local";
        private Resources resources = Resources.DEFAULT;
        private String installScript = "";
        private boolean skipSetup;
        private boolean nas;
        private String zone = "";
        private boolean confirmCost;
        private java.util.Map<String, String> backendOptions = java.util.Map.of();

        private Builder(String name) { this.name = name; }

        public Builder runName(String v) { runName = v; return this; }
        public Builder numTasks(int v) { numTasks = v; return this; }
        public Builder backend(String v) { backend = v; return this; }
        public Builder resources(Resources v) { resources = v; return this; }
        public Builder instanceType(String v) { resources = new Resources(v, resources.image(), resources.spot(), resources.diskGb()); return this; }
        public Builder image(String v) { resources = new Resources(resources.instanceType(), v, resources.spot(), resources.diskGb()); return this; }
        public Builder spot(boolean v) { resources = new Resources(resources.instanceType(), resources.image(), v, resources.diskGb()); return this; }
        public Builder diskGb(int v) { resources = new Resources(resources.instanceType(), resources.image(), resources.spot(), v); return this; }
        public Builder installScript(String v) { installScript = v; return this; }
        public Builder skipSetup(boolean v) { skipSetup = v; return this; }
        public Builder nas(boolean v) { nas = v; return this; }
        public Builder zone(String v) { zone = v; return this; }
        public Builder confirmCost(boolean v) { confirmCost = v; return this; }
        public Builder backendOptions(java.util.Map<String, String> v) { backendOptions = v; return this; }

        public JobOptions build() {
            return new JobOptions(name, runName, numTasks, backend, resources, installScript, skipSetup, nas, zone, confirmCost, backendOptions);
        }
    }
}
