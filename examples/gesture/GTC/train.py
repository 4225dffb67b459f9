"""Train a small CNN from scratch on the rock/paper/scissors images in dataset/."""
import argparse
import os
import sys
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, Subset
from torchvision import datasets, transforms

try:
    from fastgpu import metrics as fastgpu_metrics  # on PYTHONPATH on every FastGPU machine
except ImportError:  # run by hand, outside FastGPU: no metrics, same training
    fastgpu_metrics = None

IMAGE_SIZE = 64
MEAN, STD = (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)
EVAL_TRANSFORM = transforms.Compose([
    transforms.Resize((IMAGE_SIZE, IMAGE_SIZE)),
    transforms.ToTensor(),
    transforms.Normalize(MEAN, STD),
])
TRAIN_TRANSFORM = transforms.Compose([
    # Mild geometry only: the generator already varies pose and position, and a harsh
    # crop could cut off the extended fingers that tell the classes apart.
    transforms.RandomResizedCrop(IMAGE_SIZE, scale=(0.85, 1.0), ratio=(0.9, 1.1)),
    transforms.RandomRotation(15),
    transforms.RandomHorizontalFlip(),
    transforms.ColorJitter(0.2, 0.2, 0.2, 0.02),
    transforms.RandomGrayscale(0.1),
    transforms.ToTensor(),
    transforms.Normalize(MEAN, STD),
])


class GestureNet(nn.Module):
    """Four VGG-style blocks (two 3x3 conv-BN-ReLU, then 2x2 max-pool), global average
    pooling and a linear head. Two convs per block learn the finger shapes from a few
    hundred images far more reliably than one."""

    def __init__(self, num_classes=3):
        super().__init__()
        layers, channels = [], 3
        for out in (16, 32, 64, 128):
            for c_in in (channels, out):
                layers += [nn.Conv2d(c_in, out, 3, padding=1, bias=False), nn.BatchNorm2d(out),
                           nn.ReLU(inplace=True)]
            layers.append(nn.MaxPool2d(2))
            channels = out
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2),
                                  nn.Linear(channels, num_classes))

    def forward(self, x):
        return self.head(self.features(x))


def stratified_split(targets, test_size, generator):
    """Indices of a held-out test set with (about) equal share per class, and the rest."""
    classes = sorted(set(targets))
    test = []
    for k, c in enumerate(classes):
        idx = [i for i, t in enumerate(targets) if t == c]
        perm = torch.randperm(len(idx), generator=generator).tolist()
        # Spread test_size over the classes, the remainder going to the first ones.
        n = test_size // len(classes) + (k < test_size % len(classes))
        test += [idx[p] for p in perm[:n]]
    held_out = set(test)
    return [i for i in range(len(targets)) if i not in held_out], sorted(test)


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(1) == y).sum().item()
            total += len(y)
    return correct / total


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="dataset", help="ImageFolder root (one folder per class)")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--out", default="save_model.pth")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=5e-3, help="peak learning rate")
    parser.add_argument("--test-size", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0, help="seeds the split, init and augmentation")
    args = parser.parse_args()

    torch.set_num_threads(os.cpu_count())
    torch.manual_seed(args.seed)

    # Two views of the same files: augmented for training, plain for testing.
    train_set = datasets.ImageFolder(args.data, TRAIN_TRANSFORM)
    test_set = datasets.ImageFolder(args.data, EVAL_TRANSFORM)
    train_idx, test_idx = stratified_split(train_set.targets, args.test_size,
                                           torch.Generator().manual_seed(args.seed))
    train_loader = DataLoader(Subset(train_set, train_idx), batch_size=args.batch_size,
                              shuffle=True, drop_last=True)
    test_loader = DataLoader(Subset(test_set, test_idx), batch_size=64)
    print(f"classes {train_set.classes}  train {len(train_idx)}  test {len(test_idx)}  "
          f"threads {torch.get_num_threads()}")

    model = GestureNet(len(train_set.classes))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-3)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, epochs=args.epochs,
                                                    steps_per_epoch=len(train_loader))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)

    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        loss_sum = correct = seen = 0
        for x, y in train_loader:
            optimizer.zero_grad()
            logits = model(x)
            loss = loss_fn(logits, y)
            loss.backward()
            optimizer.step()
            scheduler.step()
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            seen += len(y)
        test_acc = evaluate(model, test_loader)
        print(f"epoch {epoch}  loss {loss_sum / seen:.4f}  train_acc {correct / seen:.4f}  "
              f"test_acc {test_acc:.4f}  time {time.perf_counter() - t0:.2f}s", flush=True)
        if fastgpu_metrics:
            fastgpu_metrics.push({"loss": loss_sum / seen, "train_acc": correct / seen, "test_acc": test_acc}, epoch=epoch)
    print(f"all train time: {time.perf_counter() - start:.2f}s")

    # The test file list lets inference.py default to an image the model never trained on.
    torch.save({"state_dict": model.state_dict(), "classes": train_set.classes,
                "test_files": [test_set.samples[i][0] for i in test_idx]}, args.out)
    print(f"saved model to {args.out}")
    print(f"final test accuracy: {test_acc:.4f}")
    sys.exit(0 if test_acc >= 0.9 else 1)


if __name__ == "__main__":
    main()
