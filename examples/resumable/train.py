"""A toy training loop that survives losing its machine: checkpoint each epoch, resume from 'latest'.

What a script does to be resumable under a FastGPU managed run:
  * save a checkpoint each epoch into $FASTGPU_CHECKPOINT_DIR (written to a temporary name, then renamed, so a
    machine lost in the middle never leaves half a file), and keep 'latest' pointing at the newest one;
  * at start, load $FASTGPU_CHECKPOINT_DIR/latest when it is there;
  * on SIGTERM, when the file named by $FASTGPU_PREEMPTED_FILE exists (it holds FASTGPU_PREEMPTED=1: the cloud
    announced it takes the machine back), save what it has and exit; SIGKILL follows after a grace period.
Pure Python: each rank fits w in y = w * x by gradient steps; only rank 0 writes checkpoints.
"""
import json
import os
import signal
import sys
import time

ckpt_dir = os.environ.get("FASTGPU_CHECKPOINT_DIR", "ckpt")
rank = int(os.environ.get("RANK", "0"))
epochs = int(os.environ.get("EPOCHS", "12"))
epoch_seconds = float(os.environ.get("EPOCH_SECONDS", "0.5"))
restart = os.environ.get("FASTGPU_RESTART_COUNT", "0")
os.makedirs(ckpt_dir, exist_ok=True)
latest = os.path.join(ckpt_dir, "latest")

state = {"epoch": 0, "w": 0.0}
if os.path.exists(latest):
    with open(latest) as f:
        state = json.load(f)
    print(f"rank {rank}: resumed from epoch {state['epoch']} (restart {restart})", flush=True)
else:
    print(f"rank {rank}: no checkpoint, starting from epoch 0 (restart {restart})", flush=True)

stopping = False


def on_term(signum, frame):
    global stopping
    stopping = True
    preempted = os.path.exists(os.environ.get("FASTGPU_PREEMPTED_FILE", "/nonexistent"))
    print(f"rank {rank}: SIGTERM{' (preempted: FASTGPU_PREEMPTED=1)' if preempted else ''}: saving and exiting", flush=True)


signal.signal(signal.SIGTERM, on_term)


def save():
    if rank != 0:
        return
    body = json.dumps(state)
    for name in (f"epoch-{state['epoch']}.json", "latest"):
        tmp = os.path.join(ckpt_dir, f".{name}.tmp")
        with open(tmp, "w") as f:
            f.write(body)
        os.replace(tmp, os.path.join(ckpt_dir, name))


for epoch in range(state["epoch"] + 1, epochs + 1):
    end = time.time() + epoch_seconds
    w = state["w"]
    while time.time() < end and not stopping:
        w += 0.2 * (3.0 - w)  # gradient step towards w = 3
        time.sleep(0.05)
    if stopping:
        save()  # the last finished epoch; the one cut short is done again after the restart
        sys.exit(143)
    state = {"epoch": epoch, "w": w}
    save()
    print(f"rank {rank}: epoch {epoch} w={w:.4f}", flush=True)

print(f"rank {rank}: done, w={state['w']:.4f}", flush=True)
