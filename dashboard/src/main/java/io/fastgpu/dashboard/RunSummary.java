package io.fastgpu.dashboard;

import io.fastgpu.core.state.RunRecord;
import io.fastgpu.core.state.StepRecord;

import java.time.Duration;
import java.util.List;

/**
 * A run with what its pages show beside the record itself.
 *
 * @param run      the run as the state store has it
 * @param steps    its phases, in order
 * @param elapsed  from its start to its end, or to now while it runs
 * @param restarts how often it was restarted (0 before any recovery)
 * @param cost     about what its machines cost while it ran, or null where its backend does not charge
 */
record RunSummary(RunRecord run, List<StepRecord> steps, Duration elapsed, int restarts, Double cost) { }
