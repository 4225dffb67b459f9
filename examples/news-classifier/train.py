#!/usr/bin/env python3
"""Train a small transformer news-headline classifier from scratch, alone or on several processes/machines.

Alone: one process. With RANK in the environment: one of WORLD_SIZE processes of PyTorch
DistributedDataParallel, which also need MASTER_ADDR and MASTER_PORT (and may have LOCAL_RANK,
LOCAL_WORLD_SIZE), as FastGPU's `launcher: env`, or any torchrun-like launcher, gives them. Gradients go
over gloo, or NCCL where every process has a GPU of its own. Each rank trains on its share of the training
set (DistributedSampler) and tests on its share of the test set; the accuracy is summed over all ranks.

The data is corpus/train.tsv and corpus/test.tsv (`label<TAB>text`, UTF-8), from make_corpus.py. Tokens are
lower-case words split on white space, and single characters for Chinese (CJK) text. The vocabulary comes
from the training set, the same on every rank.

Rank 0 prints one line per epoch and the final test accuracy, and writes metrics.json into --out.
Exit status 1 when the accuracy is below --min-acc, or when a peer fails or does not answer in --timeout.
"""
import argparse
import collections
import datetime
import hashlib
import json
import os
import socket
import sys
import time
import unicodedata

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

try:
    from fastgpu import metrics as fastgpu_metrics  # on PYTHONPATH on every FastGPU machine
except ImportError:  # run by hand, outside FastGPU: no metrics, same training
    fastgpu_metrics = None

PAD, UNK = 0, 1


# ----------------------------------------------------------------------------------------------------------------------
# data

def is_cjk(ch):
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF


def tokenize(text):
    """Lower-case words split on white space; CJK characters are tokens of their own."""
    tokens = []
    for word in unicodedata.normalize("NFC", text).lower().split():
        run = []
        for ch in word:
            if is_cjk(ch):
                if run:
                    tokens.append("".join(run))
                    run = []
                tokens.append(ch)
            else:
                run.append(ch)
        if run:
            tokens.append("".join(run))
    return tokens


def read_tsv(path):
    labels, texts = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            if "\t" not in line:
                raise SystemExit(f"train.py: {path}:{n}: no TAB between label and text")
            label, text = line.split("\t", 1)
            labels.append(label.strip())
            texts.append(text)
    if not labels:
        raise SystemExit(f"train.py: {path} holds no examples")
    return labels, texts


def build_vocab(texts, min_count):
    """Tokens seen at least min_count times, most frequent first, ties in code-point order: deterministic."""
    counts = collections.Counter(t for text in texts for t in tokenize(text))
    kept = sorted((t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t))
    return {t: i for i, t in enumerate(["<pad>", "<unk>"] + kept)}


def encode(texts, stoi, max_len):
    ids = torch.full((len(texts), max_len), PAD, dtype=torch.long)
    for i, text in enumerate(texts):
        row = [stoi.get(t, UNK) for t in tokenize(text)][:max_len] or [UNK]  # never an all-padding row
        ids[i, :len(row)] = torch.tensor(row, dtype=torch.long)
    return ids


def trim(ids):
    """Drop the padding columns that every row of the batch has."""
    longest = int(ids.ne(PAD).sum(1).max())
    return ids[:, :max(1, longest)]


# ----------------------------------------------------------------------------------------------------------------------
# model

class NewsClassifier(nn.Module):
    """Token + position embeddings, a transformer encoder, mean pooling over the tokens, a linear head."""

    def __init__(self, vocab_size, num_classes, max_len, d_model=64, heads=4, layers=2, ff=128, dropout=0.1):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model, padding_idx=PAD)
        self.pos = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, heads, ff, dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, ids):
        pad = ids.eq(PAD)
        x = self.tok(ids) + self.pos(torch.arange(ids.size(1), device=ids.device))[None]
        x = self.encoder(x, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).to(x.dtype)
        return self.head((x * keep).sum(1) / keep.sum(1).clamp(min=1))


# ----------------------------------------------------------------------------------------------------------------------
# processes

class Setting:
    """Rank, world, device and process groups; one plain process when RANK is not in the environment."""

    def __init__(self, args):
        env = os.environ
        self.distributed = "RANK" in env
        self.rank = int(env.get("RANK", 0))
        self.world = int(env.get("WORLD_SIZE", 1))
        self.local_rank = int(env.get("LOCAL_RANK", 0))
        self.local_world = int(env.get("LOCAL_WORLD_SIZE", 1))
        self.node = int(env.get("NODE_RANK", env.get("FASTGPU_NODE_RANK", 0)))
        cuda = torch.cuda.is_available() and args.device != "cpu"
        if args.device == "cuda" and not cuda:
            raise SystemExit("train.py: --device cuda, but there is no CUDA GPU")
        self.device = torch.device("cpu")
        if cuda:
            index = self.local_rank % torch.cuda.device_count()
            torch.cuda.set_device(index)
            self.device = torch.device("cuda", index)
        self.backend = "gloo"
        self.ddp_group = None
        if not self.distributed:
            return
        missing = [k for k in ("WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT") if k not in env]
        if missing:
            raise SystemExit(f"train.py: RANK is set, but {', '.join(missing)} is not")
        timeout = datetime.timedelta(seconds=args.timeout)
        # The default group (gloo) sums the metrics on the CPU and checks that every rank has the same data.
        dist.init_process_group("gloo", init_method="env://", rank=self.rank, world_size=self.world,
                                timeout=timeout)
        if cuda:
            # NCCL wants a GPU per process; where processes share one (several FastGPU "machines" on one
            # host), gloo does the gradients too.
            where = [None] * self.world
            dist.all_gather_object(where, (socket.gethostname(), self.device.index))
            if args.backend == "nccl" or (args.backend == "auto" and len(set(where)) == self.world):
                os.environ.setdefault("NCCL_ASYNC_ERROR_HANDLING", "1")  # fail, not hang, on a lost peer
                self.ddp_group = dist.new_group(backend="nccl", timeout=timeout)
                self.backend = "nccl"

    def sum(self, values):
        t = torch.tensor(values, dtype=torch.float64)
        if self.distributed:
            dist.all_reduce(t)
        return t.tolist()

    def same_everywhere(self, value):
        if not self.distributed:
            return True
        seen = [None] * self.world
        dist.all_gather_object(seen, value)
        return all(v == seen[0] for v in seen)


def default_threads(local_world):
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return max(1, cpus // max(1, local_world))


def file_digest(*paths):
    h = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


# ----------------------------------------------------------------------------------------------------------------------
# training

def evaluate(model, ids, labels, s, batch_size):
    """Correct answers and examples of this rank's share of the test set (every world-th example)."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for i in range(0, len(ids), batch_size):
            x = trim(ids[i:i + batch_size]).to(s.device)
            y = labels[i:i + batch_size].to(s.device)
            correct += int(model(x).argmax(1).eq(y).sum())
            total += len(y)
    model.train()
    return correct, total


def run(args, s):
    torch.set_num_threads(args.threads or default_threads(s.local_world))
    train_file = os.path.join(args.data, "train.tsv")
    test_file = os.path.join(args.data, "test.tsv")
    for path in (train_file, test_file):
        if not os.path.isfile(path):
            raise SystemExit(f"train.py: no {path}; make it with: /usr/bin/python3 make_corpus.py")
    if not s.same_everywhere(file_digest(train_file, test_file)):
        raise SystemExit(f"train.py: {args.data} is not the same on every rank; make it with the same --seed")

    train_labels, train_texts = read_tsv(train_file)
    test_labels, test_texts = read_tsv(test_file)
    classes = sorted(set(train_labels))
    unknown = sorted(set(test_labels) - set(classes))
    if unknown:
        raise SystemExit(f"train.py: labels of the test set not in the training set: {', '.join(unknown)}")
    cls = {c: i for i, c in enumerate(classes)}
    stoi = build_vocab(train_texts, args.min_count)
    max_len = max(1, min(args.max_len, max(len(tokenize(t)) for t in train_texts)))
    x_train = encode(train_texts, stoi, max_len)
    y_train = torch.tensor([cls[c] for c in train_labels])
    # This rank's share of the test set: every world-th example, none twice, none left out.
    x_test = encode(test_texts[s.rank::s.world], stoi, max_len)
    y_test = torch.tensor([cls[c] for c in test_labels[s.rank::s.world]])

    torch.manual_seed(args.seed)  # the same initial weights everywhere (DDP also sends rank 0's)
    model = NewsClassifier(len(stoi), len(classes), max_len, d_model=args.d_model).to(s.device)
    net = model
    if s.distributed:
        net = DistributedDataParallel(model, device_ids=[s.device.index] if s.device.type == "cuda" else None,
                                      process_group=s.ddp_group)
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=0.01)
    data = TensorDataset(x_train, y_train)
    sampler = None
    if s.distributed:
        sampler = DistributedSampler(data, num_replicas=s.world, rank=s.rank, shuffle=True, seed=args.seed)
    loader = DataLoader(data, batch_size=args.batch_size, shuffle=sampler is None, sampler=sampler,
                        generator=torch.Generator().manual_seed(args.seed))
    if s.rank == 0:
        print(f"{len(train_texts)} training / {len(test_texts)} test headlines, {len(classes)} classes "
              f"({', '.join(classes)}), vocabulary {len(stoi)}, max length {max_len}, "
              f"{sum(p.numel() for p in model.parameters())} parameters", flush=True)
    print(f"rank {s.rank}/{s.world} (node {s.node}, local {s.local_rank}/{s.local_world}) on "
          f"{socket.gethostname()}: device {s.device}, backend {s.backend}, threads {torch.get_num_threads()}, "
          f"{len(sampler) if sampler else len(data)} training / {len(y_test)} test headlines", flush=True)

    history, start, accuracy = [], time.time(), 0.0
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        if sampler:
            sampler.set_epoch(epoch)
        loss_sum = seen = 0.0
        for x, y in loader:
            x, y = trim(x).to(s.device), y.to(s.device)
            loss = F.cross_entropy(net(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += float(loss) * len(y)
            seen += len(y)
        correct, total = evaluate(model, x_test, y_test, s, args.batch_size * 4)
        loss_sum, seen, correct, total = s.sum([loss_sum, seen, correct, total])
        accuracy, loss = correct / total, loss_sum / seen
        took = time.time() - t0
        history.append({"epoch": epoch, "loss": round(loss, 4), "test_acc": round(accuracy, 4),
                        "time_s": round(took, 2)})
        if s.rank == 0:
            print(f"epoch {epoch}  loss {loss:.4f}  test_acc {accuracy:.4f}  time {took:.1f}s  (world {s.world})",
                  flush=True)
            if fastgpu_metrics:
                fastgpu_metrics.push({"loss": loss, "test_acc": accuracy}, epoch=epoch)
    elapsed = time.time() - start

    if s.rank == 0:
        print(f"final test accuracy: {accuracy:.4f}", flush=True)
        metrics = {"epochs": args.epochs, "accuracy": round(accuracy, 4), "world_size": s.world,
                   "nodes": int(os.environ.get("FASTGPU_NUM_NODES", 1)), "time_s": round(elapsed, 2),
                   "backend": s.backend if s.distributed else None, "device": str(s.device),
                   "threads_per_process": torch.get_num_threads(), "batch_size_per_process": args.batch_size,
                   "train_examples": len(train_texts), "test_examples": len(test_texts),
                   "classes": classes, "vocab_size": len(stoi), "history": history}
        os.makedirs(args.out or ".", exist_ok=True)
        path = os.path.join(args.out or ".", "metrics.json")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(metrics, f, indent=2, ensure_ascii=False)
            f.write("\n")
        os.replace(path + ".tmp", path)
        print(f"wrote {path}", flush=True)
    elif s.distributed:
        print(f"rank {s.rank}/{s.world}: test accuracy {accuracy:.4f} (all ranks), {elapsed:.1f}s", flush=True)
    if accuracy < args.min_acc:
        if s.rank == 0:
            print(f"train.py: test accuracy {accuracy:.4f} is below --min-acc {args.min_acc}", file=sys.stderr)
        return 1
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="corpus", help="folder of train.tsv and test.tsv (default: corpus)")
    p.add_argument("--out", default=".", help="folder for metrics.json, written by rank 0 (default: .)")
    p.add_argument("--epochs", type=int, default=3, help="epochs (default: 3)")
    p.add_argument("--batch-size", type=int, default=32, help="headlines per step and process (default: 32)")
    p.add_argument("--lr", type=float, default=2e-3, help="learning rate of AdamW (default: 0.002)")
    p.add_argument("--d-model", type=int, default=64, help="model width (default: 64)")
    p.add_argument("--max-len", type=int, default=32, help="tokens kept per headline (default: 32)")
    p.add_argument("--min-count", type=int, default=2,
                   help="a token enters the vocabulary when seen this often in training (default: 2)")
    p.add_argument("--threads", type=int, default=0,
                   help="CPU threads per process (default: the CPUs / LOCAL_WORLD_SIZE, at least 1)")
    p.add_argument("--seed", type=int, default=0, help="seed of weights and shuffling (default: 0)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto", help="default: auto (CUDA if any)")
    p.add_argument("--backend", choices=("auto", "gloo", "nccl"), default="auto",
                   help="gradient all-reduce: auto = NCCL where every process has its own GPU, else gloo")
    p.add_argument("--timeout", type=float, default=60,
                   help="seconds to wait for a missing or silent peer before failing (default: 60)")
    p.add_argument("--min-acc", type=float, default=0.8,
                   help="exit 1 when the final test accuracy is below this (default: 0.8)")
    args = p.parse_args()
    if args.epochs < 1 or args.batch_size < 1:
        p.error("--epochs and --batch-size must be at least 1")
    if args.d_model % 4:
        p.error("--d-model must be a multiple of 4 (4 attention heads)")

    rank = os.environ.get("RANK", "0")
    try:
        s = Setting(args)
        code = run(args, s)
    except SystemExit as e:
        if isinstance(e.code, str):
            print(e.code if "RANK" not in os.environ else f"[rank {rank}] {e.code}", file=sys.stderr, flush=True)
        code = 1 if e.code else 0
    except Exception as e:  # a lost peer, a timeout, ...
        msg = f"{type(e).__name__}: {e}".strip()
        if "timeout" in msg.lower() or "timed out" in msg.lower():
            msg += f" (a peer did not join or stopped answering within --timeout {args.timeout:g} s)"
        print(f"train.py [rank {rank}]: {msg}", file=sys.stderr, flush=True)
        code = 1
    if dist.is_available() and dist.is_initialized():
        if code == 0:
            dist.destroy_process_group()
        else:
            # Leave at once: tearing down a group whose peer is gone can block.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
