"""Classify one hand-gesture image with the model saved by train.py."""
import argparse
import random
import time

import torch
from PIL import Image

from make_dataset import CLASSES, draw_sample
from train import EVAL_TRANSFORM, GestureNet


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("image", nargs="?",
                        help="image to classify (default: first image of the training run's test split)")
    parser.add_argument("--draw", choices=CLASSES,
                        help="classify a freshly drawn synthetic image of this gesture")
    parser.add_argument("--seed", type=int, help="seed for --draw (default: random)")
    parser.add_argument("--model", default="save_model.pth")
    args = parser.parse_args()

    checkpoint = torch.load(args.model)
    classes = checkpoint["classes"]
    model = GestureNet(len(classes))
    model.load_state_dict(checkpoint["state_dict"])
    model.eval()

    if args.draw:
        image = draw_sample(args.draw, random.Random(args.seed))
    else:
        path = args.image or checkpoint["test_files"][0]
        print(f"image: {path}")
        image = Image.open(path).convert("RGB")

    # Timed: preprocessing plus the forward pass, not the model loading above.
    start = time.perf_counter()
    with torch.no_grad():
        probs = torch.softmax(model(EVAL_TRANSFORM(image).unsqueeze(0)), dim=1)[0]
    elapsed_ms = (time.perf_counter() - start) * 1000

    for name, p in zip(classes, probs.tolist()):
        print(f"probability of {name}: {p:.6f}")
    print(f"you played {classes[probs.argmax()]}")
    print(f"inference time: {elapsed_ms:.3f} ms")


if __name__ == "__main__":
    main()
