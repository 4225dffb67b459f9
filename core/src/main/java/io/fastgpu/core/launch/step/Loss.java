package io.fastgpu.core.launch.step;

/** A loss in a recovered step: the task ({@code -1}: all of them, a restart in place), why, and when it was seen. */
record Loss(int task, String cause, long atMs) {
    String who() { return task < 0 ? "all" : "task" + task; }
}
