package io.fastgpu.core.launch;

import java.time.Duration;

/** How long one phase of a launch took and whether it succeeded. */
public record PhaseTiming(String phase, Duration elapsed, boolean ok) { }
