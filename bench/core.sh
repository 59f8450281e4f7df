#!/usr/bin/env bash
# Core benchmark of vaultx with hyperfine:
#   1. get, passphrase at the default KDF cost (Argon2id m=64M t=3 p=4)
#   2. get, passphrase at the minimum KDF cost (m=8M t=1 p=1)
#   3. ls and get on a store of 10,000 secrets (minimum KDF cost)
# plus, for scale, Argon2id alone at the default cost (bench/argon2_only.c,
# the same libargon2 call vaultx makes) and process start (vaultx --version).
#
# Every store is built afresh under a temp dir; each value is read back and
# checked before anything is timed. hyperfine JSON goes to bench/results/.
#
# Usage: bench/core.sh [path/to/vaultx]      (default: build/vaultx)
# Env:   VX_BENCH_SECRETS (default 10000), VX_BENCH_RUNS (default 10),
#        VX_BENCH_JOBS (parallel `vaultx set` while filling, default nproc),
#        VX_BENCH_DIR (keep the stores there and reuse a filled big store)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
vaultx=$(realpath "${1:-$here/../build/vaultx}")
results=$here/results
secrets=${VX_BENCH_SECRETS:-10000}
runs=${VX_BENCH_RUNS:-10}
jobs=${VX_BENCH_JOBS:-$(nproc)}

die() { echo "core.sh: $*" >&2; exit 1; }
[[ -x $vaultx ]] || die "no vaultx binary at $vaultx (build first, or pass its path)"
command -v hyperfine >/dev/null || die "hyperfine not found: apt-get install -y hyperfine"
command -v python3 >/dev/null || die "python3 not found (used to summarise the JSON)"

if [[ -n ${VX_BENCH_DIR:-} ]]; then
  tmp=$(realpath -m "$VX_BENCH_DIR")
  rm -rf "$tmp/default" "$tmp/min"
else
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/vaultx-bench.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
fi
mkdir -p "$results" "$tmp/home"

# A clean environment: only what vaultx needs, the passphrase from a file.
for v in $(compgen -e); do [[ $v == VAULTX_* ]] && unset "$v"; done
export HOME=$tmp/home LANG=C.UTF-8
printf 'benchmark passphrase\n' >"$tmp/passphrase"
export VAULTX_PASSPHRASE_FILE=$tmp/passphrase
export VAULTX_STATE_DIR=$tmp/state

min_kdf=(--kdf-memory 8M --kdf-time 1 --kdf-parallelism 1)
value=bench-value-$RANDOM$RANDOM

# Stores a value and checks that get returns it, byte for byte.
set_and_check() {
  local store=$1 name=$2 val=$3
  printf '%s' "$val" | "$vaultx" --store "$store" set "$name"
  [[ $("$vaultx" --store "$store" get --raw "$name") == "$val" ]] || die "$store: $name did not read back"
}

echo "vaultx: $("$vaultx" --version)   cores: $(nproc)   load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

"$vaultx" --store "$tmp/default" init
grep -q '^kdf argon2id v=19 m=65536 t=3 p=4$' "$tmp/default/keys/passphrase.key" \
  || die "the default KDF is not m=64M t=3 p=4"
set_and_check "$tmp/default" bench/key "$value"

"$vaultx" --store "$tmp/min" init "${min_kdf[@]}"
set_and_check "$tmp/min" bench/key "$value"

# The big store: one `vaultx set` process per secret, $jobs at a time.
fill_seconds=-1  # reused
if [[ ! -f $tmp/big/vaultx-store || $("$vaultx" --store "$tmp/big" ls | wc -l) != "$secrets" ]]; then
  rm -rf "$tmp/big"
  "$vaultx" --store "$tmp/big" init "${min_kdf[@]}"
  printf '%s' "$value" >"$tmp/big-value"
  echo "filling a store with $secrets secrets ($jobs parallel vaultx set)..." >&2
  start=$(date +%s.%N)
  # xargs appends the number: $1 vaultx, $2 store, $3 value suffix, $4 number.
  seq 1 "$secrets" | xargs -P "$jobs" -n 1 sh -c \
    'printf "value-%s-%s" "$4" "$3" | "$1" --store "$2" set "svc$(($4 % 100))/key-$4"' \
    sh "$vaultx" "$tmp/big" "$value" || die "filling the store failed"
  fill_seconds=$(echo "$(date +%s.%N) - $start" | bc)
fi
value_big=$(cat "$tmp/big-value")
count=$("$vaultx" --store "$tmp/big" ls | wc -l)
[[ $count == "$secrets" ]] || die "big store lists $count secrets, expected $secrets"
probe=$((secrets / 2))
[[ $("$vaultx" --store "$tmp/big" get --raw "svc$((probe % 100))/key-$probe") == "value-$probe-$value_big" ]] \
  || die "big store: svc$((probe % 100))/key-$probe did not read back"

cc -O2 -o "$tmp/argon2_only" "$here/argon2_only.c" -largon2 || die "cannot build argon2_only.c (libargon2-dev)"

bench() {  # NAME COMMAND...
  local name=$1
  shift
  hyperfine -N --warmup 2 --runs "$runs" --export-json "$results/$name.json" --command-name "$name" \
    "$(printf '%q ' "$@")" >&2
}
bench get-default-kdf "$vaultx" --store "$tmp/default" get bench/key
bench get-min-kdf "$vaultx" --store "$tmp/min" get bench/key
bench ls-big "$vaultx" --store "$tmp/big" ls
bench get-big "$vaultx" --store "$tmp/big" get "svc$((probe % 100))/key-$probe"
bench argon2id-default "$tmp/argon2_only" 65536 3 4
bench process-start "$vaultx" --version

python3 - "$results" "$secrets" "$fill_seconds" "$vaultx" "$tmp/default" "$tmp/argon2_only" <<'EOF'
import json, os, statistics, subprocess, sys, time
results, secrets, fill = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
get_cmd = [sys.argv[4], "--store", sys.argv[5], "get", "bench/key"]
kdf_cmd = [sys.argv[6], "65536", "3", "4"]
rows = [("get-default-kdf", "get, default KDF (m=64M t=3 p=4)"),
        ("get-min-kdf", "get, minimum KDF (m=8M t=1 p=1)"),
        ("ls-big", f"ls, {secrets} secrets (min KDF)"),
        ("get-big", f"get, {secrets} secrets (min KDF)"),
        ("argon2id-default", "Argon2id alone, m=64M t=3 p=4"),
        ("process-start", "vaultx --version (process start)")]
r = {}
for key, _ in rows:
    with open(os.path.join(results, key + ".json")) as f:
        r[key] = json.load(f)["results"][0]
ms = lambda s: f"{s * 1000:.1f}"
print("| benchmark | mean ± σ (ms) | min (ms) | user (ms) | system (ms) |")
print("|---|---:|---:|---:|---:|")
for key, label in rows:
    x = r[key]
    print(f"| {label} | {ms(x['mean'])} ± {ms(x['stddev'])} | {ms(x['min'])} | {ms(x['user'])} | {ms(x['system'])} |")
share = r["argon2id-default"]["mean"] / r["get-default-kdf"]["mean"]
cpu = lambda x: x["user"] + x["system"]
cpu_share = cpu(r["argon2id-default"]) / cpu(r["get-default-kdf"])


def run(cmd):
    """(wall seconds, CPU seconds) of one run."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    assert status == 0, cmd
    return time.monotonic() - start, usage.ru_utime + usage.ru_stime


# The hyperfine figures come from separate blocks of runs, so a change of
# machine load between them skews the ratio; pairs run back to back do not.
pairs = [(run(kdf_cmd), run(get_cmd)) for _ in range(max(5, int(os.environ.get("VX_BENCH_RUNS", "10"))))]
paired_wall = statistics.median(k[0] / g[0] for k, g in pairs)
paired_cpu = statistics.median(k[1] / g[1] for k, g in pairs)
print(f"\nArgon2id share of a default-cost get: {paired_wall:.0%} of wall time, {paired_cpu:.0%} of CPU time "
      f"(median of {len(pairs)} back-to-back pairs; from the hyperfine means: {share:.0%} wall, {cpu_share:.0%} CPU).")
if fill >= 0:
    print(f"Filling {secrets} secrets with {secrets} `vaultx set` processes took {fill:.0f} s "
          f"({fill / secrets * 1000:.1f} ms per secret, wall).")
EOF
