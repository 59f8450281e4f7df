#!/usr/bin/env bash
# vaultx scan against ripgrep, with hyperfine, on the same generated tree:
#   VX_BENCH_MB (default 200) MB of text in 400 files (source-like lines with
#   base64 blobs), 20 secrets each planted once in some form; ripgrep gets
#   `rg -F -f patterns` with the same literal forms vaultx looks for (plain,
#   base64 and base64url with and without padding, percent-encoded, JSON, hex).
# Both must report the same 20 lines before anything is timed.
#
# Usage: bench/scan.sh [path/to/vaultx]      (default: build/vaultx)
# Env:   VX_BENCH_MB (200), VX_BENCH_RUNS (10)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
vaultx=$(realpath "${1:-$here/../build/vaultx}")
mb=${VX_BENCH_MB:-200}
runs=${VX_BENCH_RUNS:-10}
die() { echo "scan.sh: $*" >&2; exit 1; }
[[ -x $vaultx ]] || die "no vaultx binary at $vaultx"
for tool in hyperfine rg python3; do
  command -v "$tool" >/dev/null || die "$tool not found: apt-get install -y hyperfine ripgrep"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home VAULTX_STORE=$work/store VAULTX_STATE_DIR=$work/state VAULTX_PASSPHRASE=bench
mkdir -p "$HOME"
"$vaultx" init --kdf-memory 8M --kdf-time 1 --kdf-parallelism 1 >/dev/null

# The tree, the secrets (one file each, read by `vaultx set`) and the patterns.
python3 - "$work" "$mb" <<'PY'
import base64, json, os, random, re, sys, urllib.parse
work, mb = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
tree = os.path.join(work, "tree")
os.makedirs(os.path.join(work, "values"))
alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
values = ["sk_%02d_" % i + "".join(rnd.choice(alphabet) for _ in range(24)) + "/+=" for i in range(20)]
def forms(v):
    b = v.encode()
    out = [v]
    for enc in (base64.b64encode, base64.urlsafe_b64encode):
        e = enc(b).decode()
        out += [e, e.rstrip("=")]
    q = urllib.parse.quote(v, safe="-._~")
    out += [q, re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), q)]
    out += [urllib.parse.quote_plus(v, safe="-._~")]
    out += [json.dumps(v)[1:-1], json.dumps(v)[1:-1].replace("/", "\\/")]
    out += [b.hex(), b.hex().upper()]
    return list(dict.fromkeys(out))
with open(os.path.join(work, "patterns"), "w") as f:
    for v in values:
        f.write("\n".join(forms(v)) + "\n")
for i, v in enumerate(values):
    with open(os.path.join(work, "values", "s%02d" % i), "w") as f:
        f.write(v)
words = "def return self import from class if else for while value config request response".split()
files, size = 400, mb * 1024 * 1024
per_file = size // files
planted = {rnd.randrange(files): i for i in range(20)}
while len(planted) < 20:
    planted[rnd.randrange(files)] = len(planted)
for n in range(files):
    d = os.path.join(tree, "d%02d" % (n % 20))
    os.makedirs(d, exist_ok=True)
    lines, written = [], 0
    while written < per_file:
        if rnd.random() < 0.2:
            line = "    blob = '%s'\n" % base64.b64encode(os.urandom(45)).decode()
        else:
            line = "    " + " ".join(rnd.choice(words) for _ in range(10)) + "\n"
        lines.append(line)
        written += len(line)
    if n in planted:
        v = values[planted[n]]
        lines.insert(len(lines) // 2, "    token = '%s'\n" % forms(v)[planted[n] % len(forms(v))])
    with open(os.path.join(d, "f%03d.py" % n), "w") as f:
        f.writelines(lines)
PY
for f in "$work"/values/*; do "$vaultx" set --raw "bench/$(basename "$f")" <"$f"; done

cd "$work"
vx_lines=$( ("$vaultx" scan tree || true) | wc -l)
rg_lines=$( (rg -F -f patterns -n --no-heading tree || true) | wc -l)
[[ $vx_lines == 20 ]] || die "vaultx scan found $vx_lines lines, not 20"
[[ $rg_lines == 20 ]] || die "rg found $rg_lines lines, not 20"
echo "tree: $(du -sm tree | cut -f1) MB in 400 files; $(wc -l <patterns) patterns; both find the 20 lines"

hyperfine -N -i --warmup 2 --runs "$runs" --export-json "$work/result.json" \
  -n "vaultx scan" "$vaultx scan tree" \
  -n "rg -F -f patterns" "rg -F -f patterns -n --no-heading tree" \
  -n "rg -F -f patterns -j1" "rg -j1 -F -f patterns -n --no-heading tree"
python3 - "$work/result.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
vx = r["vaultx scan"]
for name in ("rg -F -f patterns", "rg -F -f patterns -j1"):
    print(f"vaultx scan / {name}: {vx / r[name]:.2f}x ({vx * 1000:.0f} ms vs {r[name] * 1000:.0f} ms)")
PY
