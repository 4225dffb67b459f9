"""Generate a synthetic rock/paper/scissors hand-gesture data set as dataset.zip.

Each image is a hand drawn with PIL primitives (palm, fingers as capsules,
folded knuckles) under a random pose, scale, position, skin tone, background
gradient and pixel noise, so no download is needed. The zip holds
dataset/<class>/<n>.png, ready for torchvision's ImageFolder.
"""
import argparse
import io
import math
import random
import zipfile

import numpy as np
from PIL import Image, ImageDraw

CLASSES = ("rock", "paper", "scissors")
SIZE = 64           # output image side
CANVAS = 2 * SIZE   # drawn at 2x and downsampled, which antialiases the shapes
HAND = 128          # side of the square layer the hand is drawn on

LIGHT_SKIN = (255, 219, 180)
DARK_SKIN = (110, 70, 45)


def mix(a, b, t):
    return tuple(int(x + (y - x) * t) for x, y in zip(a, b))


def shade(colour, factor):
    return tuple(max(0, min(255, int(c * factor))) for c in colour)


def capsule(draw, p0, p1, r, fill):
    """A thick line with round ends: one finger segment."""
    draw.line([p0, p1], fill=fill, width=int(2 * r))
    for x, y in (p0, p1):
        draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)


def finger_tip(base, angle_deg, length):
    """End point of a finger leaving `base` at `angle_deg` from straight up."""
    a = math.radians(angle_deg)
    return base[0] + length * math.sin(a), base[1] - length * math.cos(a)


def draw_hand(gesture, skin, rng):
    """Draw one upright hand on a transparent HAND x HAND layer."""
    layer = Image.new("RGBA", (HAND, HAND), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    fill = skin + (255,)
    edge = shade(skin, 0.65) + (255,)
    cx, top = HAND / 2, 70            # palm centre x, palm top edge y
    pw, ph = 20 + rng.uniform(-2, 2), 22 + rng.uniform(-2, 2)  # palm half-sizes
    r = 6.0                           # finger radius
    # Finger bases along the palm's top edge: index, middle, ring, pinky.
    bases = [(cx - 14, top + 4), (cx - 4.5, top + 1), (cx + 5, top + 2), (cx + 14, top + 6)]
    thumb_base = (cx - pw + 3, top + ph)

    # Which fingers are extended: (angle from vertical, length); None = folded.
    spread = rng.uniform(0.7, 1.3)
    if gesture == "paper":
        fingers = [(-22 * spread, 34), (-7 * spread, 38), (8 * spread, 35), (24 * spread, 28)]
        thumb = (-65 * spread, 26)
    elif gesture == "scissors":
        fingers = [(-16 * spread, 36), (14 * spread, 38), None, None]
        thumb = None
    else:
        fingers = [None] * 4
        thumb = None
    # Jitter each extended finger's angle and length.
    fingers = [f and (f[0] + rng.uniform(-4, 4), f[1] * rng.uniform(0.9, 1.1)) for f in fingers]

    # Two passes: a slightly larger dark silhouette first gives every part an outline.
    for colour, grow in ((edge, 1.5), (fill, 0.0)):
        for base, f in zip(bases, fingers):
            if f:
                capsule(draw, base, finger_tip(base, *f), r + grow, colour)
        if thumb:
            capsule(draw, thumb_base, finger_tip(thumb_base, *thumb), r + 1 + grow, colour)
        draw.ellipse([cx - pw - grow, top - grow, cx + pw + grow, top + 2 * ph + grow], fill=colour)
        # Folded fingers show as a row of knuckle bumps on top of the palm.
        for base, f in zip(bases, fingers):
            if not f:
                x, y = base[0], base[1] + 2
                draw.ellipse([x - r - 1 - grow, y - r - grow, x + r + 1 + grow, y + r + grow], fill=colour)
    for base, f in zip(bases, fingers):
        if not f:  # crease lines between the curled fingers
            x, y = base
            draw.line([(x, y + 4), (x, y + 14)], fill=edge, width=2)
    if not thumb:  # folded thumb lies across the front of the palm
        y = top + ph + 4
        capsule(draw, (cx - pw + 2, y), (cx + 2, y - 6), r + 1.5, edge)
        capsule(draw, (cx - pw + 2, y), (cx + 2, y - 6), r, fill)
    return layer


def background(rng):
    """Linear gradient between two random colours, in a random direction."""
    c0 = np.array([rng.randint(0, 255) for _ in range(3)], dtype=np.float32)
    c1 = np.array([rng.randint(0, 255) for _ in range(3)], dtype=np.float32)
    a = rng.uniform(0, 2 * math.pi)
    ys, xs = np.mgrid[0:CANVAS, 0:CANVAS] / (CANVAS - 1)
    t = xs * math.cos(a) + ys * math.sin(a)
    t = (t - t.min()) / (t.max() - t.min())
    img = c0 + (c1 - c0) * t[..., None]
    return Image.fromarray(img.astype(np.uint8), "RGB")


def draw_sample(gesture, rng):
    """One SIZE x SIZE RGB image of `gesture`, randomised by `rng` (random.Random)."""
    skin = mix(LIGHT_SKIN, DARK_SKIN, rng.random())
    hand = draw_hand(gesture, skin, rng)
    if rng.random() < 0.5:  # left or right hand
        hand = hand.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    hand = hand.rotate(rng.uniform(-60, 60), resample=Image.Resampling.BICUBIC)
    side = int(HAND * rng.uniform(0.75, 1.0))
    hand = hand.resize((side, side), Image.Resampling.BICUBIC)
    img = background(rng)
    slack = CANVAS - side
    img.paste(hand, (rng.randint(0, slack), rng.randint(0, slack)), hand)
    img = img.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    noise = np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(2, 10), (SIZE, SIZE, 3))
    pixels = np.clip(np.asarray(img, dtype=np.float32) + noise, 0, 255)
    return Image.fromarray(pixels.astype(np.uint8), "RGB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--count-per-class", type=int, default=100)
    parser.add_argument("--out", default="dataset.zip")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    with zipfile.ZipFile(args.out, "w", zipfile.ZIP_DEFLATED) as zf:
        for gesture in CLASSES:
            for i in range(args.count_per_class):
                buf = io.BytesIO()
                draw_sample(gesture, rng).save(buf, "PNG")
                zf.writestr(f"dataset/{gesture}/{i:04d}.png", buf.getvalue())
    counts = ", ".join(f"{c}={args.count_per_class}" for c in CLASSES)
    print(f"wrote {len(CLASSES) * args.count_per_class} images ({counts}) to {args.out}")


if __name__ == "__main__":
    main()
