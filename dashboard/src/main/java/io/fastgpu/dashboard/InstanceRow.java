package io.fastgpu.dashboard;

import io.fastgpu.api.Instance;

/**
 * One machine as the instances page shows it.
 *
 * @param instance   the machine as its backend reported it
 * @param hourly     what it costs per hour while running, or null where its backend does not charge or says no price
 * @param soFar      its running hours as the state store recorded them times its hourly price, or null as for {@code hourly}
 * @param autostop   when it stops itself when idle (such as {@code 30m}, {@code off}), as its watchdog reports; null when
 *                   it has none (or is not running)
 */
record InstanceRow(Instance instance, Double hourly, Double soFar, String autostop) { }
