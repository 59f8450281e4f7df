#!/usr/bin/env python3
"""Summarises bench/compare's hyperfine JSON (bench/results/cmp-*.json).

Prints the markdown report: the side-by-side table at the table size (wall
median and ratio to the fastest tool), the same in CPU time, the floors, every
size, and how long filling took. Writes cmp-tools.dat and cmp-scaling.dat for
bench/compare.gp. Usage: compare_report.py RESULTS_DIR
"""
import json
import os
import sys

results = sys.argv[1]
OPS = [("get", "read one secret"),
       ("exec", "run `/bin/true` with 20 secrets in its environment"),
       ("ls", "list"),
       ("set", "write one secret")]
TOOLS = [("vaultx-default", "vaultx passphrase, default KDF"),
         ("vaultx-min", "vaultx passphrase, min KDF"),
         ("vaultx-identity", "vaultx identity"),
         ("vaultx-agent", "vaultx agent"),
         ("age", "age"), ("gopass", "gopass"), ("git-crypt", "git-crypt"), ("pass", "pass"), ("dotenvx", "dotenvx")]
FLOORS = [("true", "`/bin/true`"),
          ("env20", "`env` with the 20 variables, then `/bin/true`"),
          ("vaultx-version", "`vaultx --version` (process start)"),
          ("argon2-min", "Argon2id alone, m=8 MiB t=1 p=1"),
          ("argon2-default", "Argon2id alone, m=64 MiB t=3 p=4 (vaultx default)")]

meta = {}
with open(os.path.join(results, "cmp-meta.txt")) as f:
    for line in f:
        k, _, v = line.rstrip("\n").partition("=")
        meta[k] = v
sizes = [int(s) for s in meta["sizes"].split()]
table_size = int(meta["table_size"])


def load(name):
    """(result dict or None, note or None) for one benchmark."""
    path = os.path.join(results, name + ".json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)["results"][0], None
    path = os.path.join(results, name + ".na")
    if os.path.exists(path):
        with open(path) as f:
            return None, f.read().strip()
    return None, "–"


def fmt(seconds):
    ms = seconds * 1000
    if ms >= 10000:
        return f"{ms / 1000:.1f} s"
    if ms >= 100:
        return f"{ms:.0f} ms"
    if ms >= 10:
        return f"{ms:.1f} ms"
    return f"{ms:.2f} ms"


def cpu(r):
    return r["user"] + r["system"]


def side_by_side(n, metric, title):
    header = "| operation | " + " | ".join(label for _, label in TOOLS) + " |"
    print(f"\n{title}\n")
    print(header)
    print("|---|" + "---:|" * len(TOOLS))
    for op, label in OPS:
        cells, values = [], {}
        for tool, _ in TOOLS:
            r, note = load(f"cmp-{n}-{tool}-{op}")
            values[tool] = (metric(r) if r else None, note)
        measured = [v for v, _ in values.values() if v is not None]
        best = min(measured) if measured else None
        for tool, _ in TOOLS:
            v, note = values[tool]
            if v is None:
                cells.append(note)
            else:
                ratio = v / best
                cell = f"{fmt(v)} ({ratio:.1f}×)"
                cells.append(f"**{cell}**" if ratio == 1.0 else cell)
        op_label = f"{label} ({n:,} secrets)" if op == "ls" else label
        print(f"| {op_label} | " + " | ".join(cells) + " |")


print(f"Store of {table_size:,} secrets per tool; hyperfine medians of {meta['runs']} runs after "
      f"{meta['warmup']} warm-ups; in brackets the ratio to the fastest tool in the row (bold).")
side_by_side(table_size, lambda r: r["median"], "**Wall time, median**")
side_by_side(table_size, cpu, "**CPU time (user + system, mean)**: steadier than wall time on a shared machine")

print("\n**Floors**\n")
print("| floor | median | CPU (user + sys) |")
print("|---|---:|---:|")
for key, label in FLOORS:
    r, note = load(f"cmp-floor-{key}")
    print(f"| {label} | {fmt(r['median']) if r else note} | {fmt(cpu(r)) if r else ''} |")

print("\n**Every size** (wall median; CPU in brackets)\n")
print("| tool | secrets | " + " | ".join(op for op, _ in OPS) + " |")
print("|---|---:|" + "---:|" * len(OPS))
for tool, label in TOOLS:
    for n in sizes:
        cells, any_measured = [], False
        for op, _ in OPS:
            r, note = load(f"cmp-{n}-{tool}-{op}")
            if r:
                any_measured = True
                cells.append(f"{fmt(r['median'])} ({fmt(cpu(r))})")
            else:
                cells.append(note)
        if any_measured:
            print(f"| {label} | {n:,} | " + " | ".join(cells) + " |")

fills_path = os.path.join(results, "cmp-fills.tsv")
if os.path.exists(fills_path):
    print("\n**Filling the stores** (wall)\n")
    print("| store | seconds |")
    print("|---|---:|")
    with open(fills_path) as f:
        for line in f:
            label, seconds = line.rstrip("\n").split("\t")
            print(f"| {label} | {float(seconds):.1f} |")

print(f"\nMachine: {meta['nproc']} cores ({meta['cpu']}), {meta['kernel']}; load average "
      f"{meta['load_start']} at the start, {meta.get('load_end', '?')} at the end. {meta['vaultx']} "
      f"(commit {meta['commit']}); age {meta['age']}, {meta['gopass']}, {meta['git-crypt']}, pass "
      f"{meta['pass']}, {meta['gpg']}, dotenvx {meta['dotenvx']}, {meta['hyperfine']}.")

# Data for gnuplot: milliseconds, "?" where there is nothing.
def ms_or_missing(r, metric):
    return f"{metric(r) * 1000:.4f}" if r else "?"


for suffix, metric in (("", lambda r: r["median"]), ("-cpu", cpu)):
    with open(os.path.join(results, f"cmp-tools{suffix}.dat"), "w") as out:
        out.write("op " + " ".join(f'"{label}"' for _, label in TOOLS) + "\n")
        for op, _ in OPS:
            row = [ms_or_missing(load(f"cmp-{table_size}-{tool}-{op}")[0], metric) for tool, _ in TOOLS]
            out.write(f"{op} " + " ".join(row) + "\n")
SERIES = [(v, op) for v in ("min", "identity", "agent") for op in ("get", "ls", "exec", "set")]
with open(os.path.join(results, "cmp-scaling.dat"), "w") as out:
    # Columns 2-13: CPU time; 14-25: wall median, same order.
    out.write("N " + " ".join(f"{v}-{op}" for v, op in SERIES) + " "
              + " ".join(f"{v}-{op}-wall" for v, op in SERIES) + "\n")
    for n in sizes:
        row = [ms_or_missing(load(f"cmp-{n}-vaultx-{v}-{op}")[0], cpu) for v, op in SERIES]
        row += [ms_or_missing(load(f"cmp-{n}-vaultx-{v}-{op}")[0], lambda r: r["median"]) for v, op in SERIES]
        out.write(f"{n} " + " ".join(row) + "\n")
