package io.fastgpu.api;

/** Portable lifecycle state of a machine, whatever the backend calls it. */
public enum InstanceState {
    PENDING, STARTING, RUNNING, STOPPING, STOPPED, TERMINATED,
    /** Exists, but could not be reached when last asked (an SSH host that is down). */
    UNREACHABLE,
    /** A native state the provider's mapping does not know; shown as is, never acted upon. */
    UNRECOGNIZED;

    public boolean isRunning() { return this == RUNNING; }

    /** Lower-case name as shown in tables and JSON. */
    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
