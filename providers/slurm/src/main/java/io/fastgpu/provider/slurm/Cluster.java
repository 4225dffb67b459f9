package io.fastgpu.provider.slurm;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A Slurm cluster as {@code ~/.fastgpu/clusters/NAME.yaml} describes it: how to reach its login node, and the
 * defaults of the allocations FastGPU asks it for.
 *
 * @param name       the cluster's name (the file's name)
 * @param local      FastGPU runs on a login node: Slurm's commands run as local processes
 * @param login      the login host reached over SSH, or null when {@code local}
 * @param sharedHome every node sees the login's home (uploads and downloads go through the login once)
 * @param workdir    where the tasks' folders live, absolute or relative to the login's home
 * @param slurmConf  the {@code SLURM_CONF} Slurm's commands get, empty for the cluster's own
 * @param knownHosts an extra known-hosts file whose keys count as known, or null
 * @param defaults   what the allocations ask for unless the job says otherwise
 */
public record Cluster(String name, boolean local, Login login, boolean sharedHome, String workdir, String slurmConf,
                      Path knownHosts, Defaults defaults) {
    public Cluster {
        Objects.requireNonNull(name, "name");
        workdir = workdir == null || workdir.isBlank() ? "fastgpu" : workdir;
        slurmConf = slurmConf == null ? "" : slurmConf;
        defaults = defaults == null ? Defaults.NONE : defaults;
    }

    /** The login host, over SSH: address or SSH config alias, port (0: the config's or 22), user, key, jump host. */
    public record Login(String host, int port, String user, Path key, String jump) {
        public String display() { return host + (port == 0 || port == 22 ? "" : ":" + port); }
    }

    /** {@code sbatch}'s options; empty strings are left to the cluster. */
    public record Defaults(String partition, String account, String qos, String gres, String time, String constraint) {
        static final Defaults NONE = new Defaults("", "", "", "", "", "");

        public Defaults {
            partition = orEmpty(partition);
            account = orEmpty(account);
            qos = orEmpty(qos);
            gres = orEmpty(gres);
            time = orEmpty(time);
            constraint = orEmpty(constraint);
        }

        private static String orEmpty(String s) { return s == null ? "" : s.strip(); }
    }

    /** Where the cluster is reached, for messages. */
    public String where() { return local ? "this machine (login node)" : "login host " + login.display(); }
}
