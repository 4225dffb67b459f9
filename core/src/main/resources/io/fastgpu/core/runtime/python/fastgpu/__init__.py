"""FastGPU's helpers for training scripts; see fastgpu.metrics."""
