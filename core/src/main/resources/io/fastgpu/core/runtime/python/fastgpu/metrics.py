"""Training metrics for FastGPU, from any training script (standard library only).

    from fastgpu import metrics
    metrics.push({"loss": 0.31, "acc1": 0.71}, epoch=3, step=1200)

Each call appends one JSON line to $FASTGPU_METRICS_FILE (a file in the run's log folder that FastGPU sets for
every step); FastGPU collects it while the launch runs, or when a client next looks (`fastgpu metrics RUN`), so
nothing is lost when no client is attached. A value that is not a finite number is skipped, with one warning on
stderr per kind of problem; push never raises for a bad value, so metrics can never break a training run.
"""
import json
import math
import os
import sys
import threading
import time

__all__ = ["push", "push_training_metrics"]

_lock = threading.Lock()
_fd = None
_fd_key = None
_warned = set()


def _warn(kind, text):
    if kind not in _warned:
        _warned.add(kind)
        sys.stderr.write("fastgpu.metrics: " + text + "\n")
        sys.stderr.flush()


def _number(name, value):
    if isinstance(value, bool) or value is None or isinstance(value, (str, bytes)):
        _warn("nan-" + type(value).__name__,
              "skipping %r = %r: not a number (further values like it are skipped silently)" % (name, value))
        return None
    try:
        v = float(value)  # ints, floats, numpy and torch scalars
    except (TypeError, ValueError):
        _warn("nan-" + type(value).__name__,
              "skipping %r = %r: not a number (further values like it are skipped silently)" % (name, value))
        return None
    if not math.isfinite(v):
        _warn("nonfinite", "skipping %r = %r: NaN and infinity are not stored (further ones are skipped silently)" % (name, v))
        return None
    return int(v) if isinstance(value, int) else v


def _file():
    """The metrics file, opened once per process (again after a fork or when the variable changes)."""
    global _fd, _fd_key
    path = os.environ.get("FASTGPU_METRICS_FILE")
    if not path:
        _warn("nofile", "FASTGPU_METRICS_FILE is not set (not run by fastgpu?); metrics are not recorded")
        return None
    key = (path, os.getpid())
    if _fd is None or _fd_key != key:
        try:
            d = os.path.dirname(path)
            if d:
                os.makedirs(d, exist_ok=True)
            _fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            _fd_key = key
        except OSError as e:
            _warn("open", "cannot open %s (%s); metrics are not recorded" % (path, e))
            return None
    return _fd


def push(metrics, epoch=None, step=None, timestamp=None):
    """Records metric values: a dict of name to number, with the epoch, the training step and the time (seconds
    since 1970, default now) they belong to. Returns how many values were recorded."""
    if not isinstance(metrics, dict):
        _warn("notdict", "push takes a dict of name to number, not %s; nothing recorded" % type(metrics).__name__)
        return 0
    values = {}
    for name, value in metrics.items():
        v = _number(name, value)
        if v is not None:
            values[str(name)] = v
    if not values:
        return 0
    line = {"metrics": values, "timestamp": time.time() if timestamp is None else float(timestamp), "source": "push"}
    if epoch is not None:
        line["epoch"] = int(epoch)
    if step is not None:
        line["step"] = int(step)
    data = (json.dumps(line, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
    with _lock:
        fd = _file()
        if fd is None:
            return 0
        try:
            os.write(fd, data)  # one write of the whole line: lines of processes sharing the file never interleave
        except OSError as e:
            _warn("write", "cannot write metrics (%s); they are not recorded" % e)
            return 0
    return len(values)


def push_training_metrics(timestamp, value_map, epoch=None):
    """The same as push, with the argument order of Tencent TI-ONE's Tikit SDK."""
    return push(value_map, epoch=epoch, timestamp=timestamp)
