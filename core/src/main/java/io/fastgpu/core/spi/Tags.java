package io.fastgpu.core.spi;

/** The labels FastGPU puts on the machines it makes, so clean-up finds them without local state. */
public final class Tags {
    /** The job a machine belongs to. */
    public static final String JOB = "fastgpu:job";
    /** The task index of the machine in its job. */
    public static final String TASK = "fastgpu:task";
    /** The user who made it (a cloud account is shared by several people). */
    public static final String OWNER = "fastgpu:owner";
    /** The ssh fleet a claimed host came from. */
    public static final String FLEET = "fastgpu:fleet";
    /** The shared file system mounted at the machine's run root. */
    public static final String NAS = "fastgpu:nas";
    /** The GiB of disk the machine has (system and data disks), which a cloud charges for also while it is stopped. */
    public static final String DISK_GB = "fastgpu:disk_gb";

    private Tags() { }

    /** The user name recorded as {@link #OWNER}. */
    public static String currentOwner() { return System.getProperty("user.name", "unknown"); }
}
