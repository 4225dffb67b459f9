#!/usr/bin/env python3
"""Prints the parallel-efficiency table of benchmark.py's JSON records.

    efficiency.py PATH...     (JSON files, or folders whose *.json files are read)

Records of the same model, batch size, image size and device make one table, one row per (nodes,
processes), sorted. The baseline is the record with the fewest processes (1 process, or 1 node of N
processes): speed-up = total images/sec / the baseline's, efficiency = speed-up / (processes / the
baseline's processes), which is speed-up / nodes when every node has the same number of processes.
When a (nodes, processes) pair has several records, the newest counts.
"""
import glob
import json
import os
import sys


def load(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += sorted(glob.glob(os.path.join(p, "*.json")))
        elif os.path.isfile(p):
            files.append(p)
        else:
            sys.exit(f"efficiency: {p}: no such file or folder")
    records, skipped = [], []
    for f in files:
        try:
            with open(f) as fh:
                r = json.load(fh)
            r["total_images_per_sec"] = float(r["total_images_per_sec"])
            r["world_size"], r["nodes"] = int(r["world_size"]), int(r["nodes"])
            r["_file"], r["_mtime"] = f, os.path.getmtime(f)
            records.append(r)
        except (OSError, ValueError, KeyError, TypeError) as e:
            skipped.append(f"{f} ({type(e).__name__}: {e})")
    return records, skipped


def table(group):
    latest = {}
    for r in sorted(group, key=lambda r: (r.get("time", ""), r["_mtime"])):
        latest[(r["nodes"], r["world_size"])] = r
    rows = [latest[k] for k in sorted(latest, key=lambda k: (k[1], k[0]))]
    base = rows[0]
    lines = [f"model {base['model']}, batch {base['batch_size']}/process, image {base['image_size']}, "
             f"device {base['device']}"]
    per_node = base.get("procs_per_node", base["world_size"] // max(base["nodes"], 1))
    what = "1 process" if base["world_size"] == 1 else \
        f"{base['nodes']} node{'s' if base['nodes'] > 1 else ''} x {per_node} processes"
    if base["world_size"] != 1:
        lines.append(f"(baseline: {what})")
    lines.append(f"{'nodes':<7}{'procs':<7}{'images/sec':<12}{'per-proc':<10}{'speed-up':<10}efficiency")
    for r in rows:
        speedup = r["total_images_per_sec"] / base["total_images_per_sec"]
        eff = speedup / (r["world_size"] / base["world_size"])
        per_proc = r.get("mean_images_per_sec_per_process", r["total_images_per_sec"] / r["world_size"])
        lines.append(f"{r['nodes']:<7}{r['world_size']:<7}{r['total_images_per_sec']:<12.1f}{per_proc:<10.1f}"
                     f"{speedup:<10.2f}{eff:.2f}")
    return lines, len(group) - len(rows)


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr if not argv else sys.stdout)
        return 2 if not argv else 0
    records, skipped = load(argv)
    for s in skipped:
        print(f"efficiency: skipped {s}", file=sys.stderr)
    if not records:
        print("efficiency: no benchmark records found in " + " ".join(argv), file=sys.stderr)
        return 1
    groups = {}
    for r in records:
        groups.setdefault((r.get("model"), r.get("batch_size"), r.get("image_size"), r.get("device")), []).append(r)
    out = []
    for key in sorted(groups, key=lambda k: tuple(str(x) for x in k)):
        lines, older = table(groups[key])
        if out:
            out.append("")
        out += lines
        if older:
            out.append(f"({older} older record{'s' if older > 1 else ''} of the same size ignored)")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
