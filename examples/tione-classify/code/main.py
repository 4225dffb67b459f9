"""A stand-in for the tutorial's main.py: reads the image list, 'trains' a few epochs, reports acc1/acc5
per epoch as metrics (appended as JSON lines to $FASTGPU_METRICS_FILE, which FastGPU forwards to TI-ONE
with PushTrainingMetrics), and saves the model from the chief node into the output folder."""
import argparse, json, os, time

p = argparse.ArgumentParser()
p.add_argument("data")
p.add_argument("--nnodes", type=int, default=1)
p.add_argument("--node_rank", type=int, default=0)
p.add_argument("--nproc_per_node", type=int, default=1)
p.add_argument("--master_addr", default="127.0.0.1")
p.add_argument("--master_port", type=int, default=23457)
p.add_argument("--epochs", type=int, default=3)
a = p.parse_args()

images = sorted(os.listdir(os.path.join(a.data, "train")))
print("node %d of %d (chief %s:%d), %d GPU(s) each, %d training images"
      % (a.node_rank, a.nnodes, a.master_addr, a.master_port, a.nproc_per_node, len(images)), flush=True)
try:
    from fastgpu import metrics  # FastGPU puts it beside the code; Tikit's push_training_metrics, offline too
except ImportError:
    metrics = None


def push(values, epoch):
    if metrics is not None:
        metrics.push_training_metrics(int(time.time()), values, epoch=epoch)
    elif os.environ.get("FASTGPU_METRICS_FILE"):
        with open(os.environ["FASTGPU_METRICS_FILE"], "a") as f:
            f.write(json.dumps({"metrics": values, "epoch": epoch, "timestamp": time.time()}) + "\n")


for epoch in range(a.epochs):
    time.sleep(0.2)
    acc1, acc5 = 50.0 + 10 * epoch, 80.0 + 5 * epoch
    print("TIACC - * Acc@1 %.3f Acc@5 %.3f Epoch=%d" % (acc1, acc5, epoch), flush=True)
    if a.node_rank == 0:
        push({"acc1": acc1, "acc5": acc5}, epoch)
if a.node_rank == 0:
    out = os.path.join(os.environ.get("FASTGPU_OUTPUT", "/opt/ml/output"), "model")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "model.txt"), "w") as f:
        f.write("resnet50 trained on %d images, acc1 %.1f\n" % (len(images), acc1))
print("done", flush=True)
