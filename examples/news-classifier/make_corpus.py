#!/usr/bin/env python3
"""Make a labelled news-headline corpus, with no download: corpus/train.tsv and corpus/test.tsv.

Each line is `label<TAB>headline`. Headlines come from random templates that mix words of the headline's
category with filler words shared by all categories, words that belong to two categories at once (a "star"
is in sports and in entertainment, a "vaccine" in health and in politics), words borrowed from another
category and a few Chinese words per category (like the Toutiao news set), so the file is UTF-8 and not
ASCII. A small share of the labels is wrong, as in real data. A good model gets roughly 0.85-0.95, not 1.0.

The same --seed gives the same files, byte for byte, on every machine.
"""
import argparse
import os
import random

CATEGORIES = {
    "sports": dict(
        subjects="striker coach goalkeeper captain team club squad champion rookie midfielder sprinter "
                 "olympian referee underdogs",
        verbs="beats defeats edges thrashes signs benches transfers qualifies wins loses draws",
        objects="match final league derby tournament trophy season playoff stadium goal marathon relay "
                "semifinal medal penalty",
        zh="联赛 球队 冠军 比赛 进球",
    ),
    "finance": dict(
        subjects="investors bank shareholders lender broker fund insurer treasury economist trader "
                 "regulator exporter",
        verbs="raises cuts buys sells hedges lends borrows rallies slumps forecasts",
        objects="stocks bonds shares dividend earnings inflation interest rates profit currency yuan "
                "futures ipo merger portfolio",
        zh="股市 银行 利率 基金 投资",
    ),
    "technology": dict(
        subjects="startup chipmaker developers engineers hackers smartphone maker robot firm "
                 "programmers researchers",
        verbs="launches unveils patches releases hacks upgrades codes encrypts ships debugs",
        objects="software chip processor app cloud algorithm browser laptop server network gadget "
                "semiconductor database update",
        zh="芯片 软件 手机 互联网 人工智能",
    ),
    "health": dict(
        subjects="doctors nurses patients hospital surgeons clinic scientists dietitians pharmacist "
                 "epidemiologists",
        verbs="treats diagnoses prescribes heals screens vaccinates operates recovers warns",
        objects="disease cancer virus diet vitamins therapy surgery symptoms obesity sleep "
                "allergy flu diabetes",
        zh="医院 疾病 健康 医生 疫苗",
    ),
    "politics": dict(
        subjects="senator minister president parliament lawmakers governor mayor voters opposition "
                 "diplomats cabinet",
        verbs="vetoes elects debates campaigns impeaches legislates negotiates resigns votes",
        objects="bill election law ballot reform treaty sanctions policy referendum budget "
                "constitution coalition",
        zh="政府 选举 总统 议会 外交",
    ),
    "entertainment": dict(
        subjects="actress actor singer director rapper band celebrity comedian producer popstar "
                 "influencer",
        verbs="stars premieres releases films sings performs dates divorces streams tours",
        objects="movie album concert sitcom festival premiere soundtrack blockbuster trailer "
                "celebrity gossip oscars café pokémon",
        zh="电影 明星 音乐 综艺 娱乐",
    ),
}

# Words of two categories at once: they make some headlines ambiguous.
SHARED = {
    ("sports", "entertainment"): "star fans show award",
    ("sports", "finance"): "deal contract sponsor",
    ("finance", "technology"): "market valuation crypto",
    ("finance", "politics"): "tax tariff stimulus",
    ("health", "politics"): "vaccine healthcare pandemic",
    ("health", "technology"): "wearable biotech genome",
    ("politics", "technology"): "surveillance privacy",
    ("entertainment", "technology"): "streaming gaming",
    ("health", "sports"): "injury fitness doping",
}

FILLER = ("the a new after as big first says report week year today again over with for "
          "amid latest shock surprise update breaking local global record major quietly").split()
PLACES = "london beijing tokyo paris berlin zürich são_paulo new_york lagos mumbai seoul".split()
TEMPLATES = [
    "{S} {V} {O}",
    "{S} {V} {O} in {P}",
    "{F} {S} {V} {O}",
    "{S} {V} {F} {O} {F}",
    "{O} : {S} {V} {O}",
    "{F} {O} {F} {P}",
    "{S} {V} {O} {Z}",
    "{Z} {S} {O} {F}",
    "why {S} {V} {O}",
    "{P} {S} {V} {F} {O} {O}",
    "{F} {F} {O} as {S} {V}",
    "{Z} {Z} {F} {O}",
]


def word_bank():
    bank = {}
    for cat, parts in CATEGORIES.items():
        bank[cat] = {k: parts[k].split() for k in ("subjects", "verbs", "objects", "zh")}
    shared = {cat: [] for cat in CATEGORIES}
    for pair, words in SHARED.items():
        for cat in pair:
            shared[cat].extend(words.split())
    return bank, shared


def headline(rng, cat, bank, shared, cats, p_borrow, p_shared):
    """One headline of category `cat`: a template whose slots get words of `cat`, shared words, or words
    borrowed from another category."""

    def pick(kind):
        r = rng.random()
        if r < p_shared and shared[cat]:
            return rng.choice(shared[cat])
        if r < p_shared + p_borrow:
            other = rng.choice([c for c in cats if c != cat])
            return rng.choice(bank[other][kind])
        return rng.choice(bank[cat][kind])

    slots = {"S": "subjects", "V": "verbs", "O": "objects", "Z": "zh"}
    out = []
    for token in rng.choice(TEMPLATES).split():
        if token.startswith("{") and token.endswith("}"):
            key = token[1:-1]
            if key == "F":
                out.append(rng.choice(FILLER))
            elif key == "P":
                out.append(rng.choice(PLACES).replace("_", " "))
            else:
                out.append(pick(slots[key]))
        else:
            out.append(token)
    # Noise: a filler word dropped in at a random place, now and then.
    if rng.random() < 0.3:
        out.insert(rng.randrange(len(out) + 1), rng.choice(FILLER))
    text = " ".join(out)
    if rng.random() < 0.5:
        text = text[:1].upper() + text[1:]
    return text


def make(n, rng, bank, shared, cats, p_borrow, p_shared, p_noise):
    rows = []
    for i in range(n):
        cat = cats[i % len(cats)]  # balanced classes
        text = headline(rng, cat, bank, shared, cats, p_borrow, p_shared)
        label = rng.choice(cats) if rng.random() < p_noise else cat  # a wrong label now and then
        rows.append((label, text))
    rng.shuffle(rows)
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="corpus", help="output folder (default: corpus)")
    p.add_argument("--train", type=int, default=6000, help="training headlines (default: 6000)")
    p.add_argument("--test", type=int, default=1200, help="test headlines (default: 1200)")
    p.add_argument("--seed", type=int, default=1234, help="random seed (default: 1234)")
    p.add_argument("--borrow", type=float, default=0.12,
                   help="chance that a slot takes a word of another category (default: 0.12)")
    p.add_argument("--shared", type=float, default=0.10,
                   help="chance that a slot takes a word shared by two categories (default: 0.10)")
    p.add_argument("--label-noise", type=float, default=0.04,
                   help="chance that a label is drawn at random (default: 0.04)")
    args = p.parse_args()

    bank, shared = word_bank()
    cats = sorted(CATEGORIES)
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    for name, n in (("train", args.train), ("test", args.test)):
        rows = make(n, rng, bank, shared, cats, args.borrow, args.shared, args.label_noise)
        path = os.path.join(args.out, f"{name}.tsv")
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            for label, text in rows:
                f.write(f"{label}\t{text}\n")
        os.replace(tmp, path)  # never a half-written file for a reader
        print(f"wrote {path}: {n} headlines, {len(cats)} categories")


if __name__ == "__main__":
    main()
