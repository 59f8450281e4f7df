#!/usr/bin/env bash
# What `vaultx exec` costs over running the command directly, with hyperfine:
#   1. start-up: `vaultx exec --scope S -- /bin/true`, S holding 20 secrets, minimum KDF
#      cost (m=8M t=1 p=1), against `env` setting the same 20 variables then /bin/true;
#      also with --mask never (vaultx replaced by the child: no supervisor, no redactor).
#   2. throughput: `vaultx exec --mask always -- cat` of a 1 GiB stream, stdout to a file
#      (so the output goes through the redactor), with 50 secrets injected and masked and
#      each of them occurring in the stream, against plain `cat`.
# Every result is checked before anything is timed: the child sees the 20 values, and
# the masked output holds exactly the expected redactions and none of the values.
#
# Usage: bench/exec.sh [path/to/vaultx]      (default: build/vaultx)
# Env:   VX_BENCH_RUNS (start-up runs, default 50), VX_BENCH_STREAM_RUNS (default 5),
#        VX_BENCH_STREAM_MIB (default 1024), VX_BENCH_DIR (work dir; default a temp dir,
#        in /dev/shm when there is room, so that disk speed is not what is measured)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
vaultx=$(realpath "${1:-$here/../build/vaultx}")
results=$here/results
runs=${VX_BENCH_RUNS:-50}
stream_runs=${VX_BENCH_STREAM_RUNS:-5}
stream_mib=${VX_BENCH_STREAM_MIB:-1024}

die() { echo "exec.sh: $*" >&2; exit 1; }
[[ -x $vaultx ]] || die "no vaultx binary at $vaultx (build first, or pass its path)"
command -v hyperfine >/dev/null || die "hyperfine not found: apt-get install -y hyperfine"
command -v python3 >/dev/null || die "python3 not found (makes the stream, checks and summarises)"

if [[ -n ${VX_BENCH_DIR:-} ]]; then
  tmp=$(realpath -m "$VX_BENCH_DIR")
  rm -rf "$tmp"
  mkdir -p "$tmp"
else
  base=${TMPDIR:-/tmp}
  # The input and the output of the stream run are each stream_mib MiB.
  if [[ -d /dev/shm ]] && (($(df -Pk /dev/shm | awk 'NR==2 {print $4}') > 3 * stream_mib * 1024)); then
    base=/dev/shm
  fi
  tmp=$(mktemp -d "$base/vaultx-bench-exec.XXXXXX")
fi
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$results" "$tmp/home"

for v in $(compgen -e); do [[ $v == VAULTX_* ]] && unset "$v"; done
export HOME=$tmp/home LANG=C.UTF-8
printf 'benchmark passphrase\n' >"$tmp/passphrase"
export VAULTX_PASSPHRASE_FILE=$tmp/passphrase VAULTX_STATE_DIR=$tmp/state VAULTX_STORE=$tmp/store

echo "vaultx: $("$vaultx" --version)   cores: $(nproc)   load: $(cut -d' ' -f1-3 /proc/loadavg)   work: $tmp" >&2

"$vaultx" init --kdf-memory 8M --kdf-time 1 --kdf-parallelism 1
grep -q '^kdf argon2id v=19 m=8192 t=1 p=1$' "$VAULTX_STORE/keys/passphrase.key" || die "not the minimum KDF cost"
for i in $(seq -w 1 20); do "$vaultx" set --generate=40 "env20/key-$i"; done
for i in $(seq -w 1 50); do "$vaultx" set --generate=32 "mask50/key-$i"; done
cat >"$VAULTX_STORE/vaultx.toml" <<'EOF'
[scopes.env20]
secrets = ["env20/*"]

[scopes.mask50]
secrets = ["mask50/*"]
EOF

# The same 20 variables as arguments to env(1): VAR=value words (the values are alphanumeric).
"$vaultx" env --scope env20 --format json >"$tmp/env20.json"
mapfile -t assignments < <(python3 -c '
import json, sys
for k, v in json.load(open(sys.argv[1])).items():
    print(f"{k}={v}")' "$tmp/env20.json")
((${#assignments[@]} == 20)) || die "scope env20 has ${#assignments[@]} variables, not 20"

# Check: the child of vaultx exec sees exactly those 20 values.
"$vaultx" exec --scope env20 --mask never -- env | grep '^ENV20_' | sort >"$tmp/seen"
printf '%s\n' "${assignments[@]}" | sort | cmp -s - "$tmp/seen" || die "exec does not give the child the 20 values"

# The stream: random lower-case text in which every one of the 50 values occurs once
# per 16 MiB block at a random offset (the values have upper case and digits, so no
# accidental match). Writes the input and prints the redactions to expect.
"$vaultx" env --scope mask50 --format json >"$tmp/mask50.json"
expected=$(python3 - "$tmp/mask50.json" "$tmp/stream.in" "$stream_mib" <<'EOF'
import json, os, random, sys
values = list(json.load(open(sys.argv[1])).values())
assert len(values) == 50
mib = int(sys.argv[3])
block = 16 << 20
letters = bytes(97 + i % 26 for i in range(256))
rng = random.Random(1)
count = 0
with open(sys.argv[2], "wb") as out:
    base = os.urandom(block).translate(letters)
    written = 0
    while written < mib << 20:
        cuts = sorted(rng.randrange(block) for _ in values)
        pieces, last = [], 0
        for cut, value in zip(cuts, values):
            pieces += [base[last:cut], value.encode()]
            last = cut
        pieces.append(base[last:])
        data = b"".join(pieces)[: (mib << 20) - written]
        count += sum(v.encode() in data for v in values) if len(data) < block else len(values)
        out.write(data)
        written += len(data)
print(count)
EOF
)
echo "stream: $(du -h "$tmp/stream.in" | cut -f1), $expected occurrences of the 50 values" >&2

# Check: every occurrence is masked and nothing else changes size unexpectedly.
"$vaultx" exec --scope mask50 --mask always -- cat <"$tmp/stream.in" >"$tmp/stream.out"
python3 - "$tmp/mask50.json" "$tmp/stream.in" "$tmp/stream.out" "$expected" <<'EOF' || die "masked output is wrong"
import json, mmap, sys
values = json.load(open(sys.argv[1]))
expected = int(sys.argv[4])
with open(sys.argv[3], "rb") as f:
    out = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    for value in values.values():
        assert out.find(value.encode()) == -1, "a value survived masking"
    tags = out[:].count(b"<redacted:")
with open(sys.argv[2], "rb") as f:
    size_in = len(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
assert tags == expected, (tags, expected)
# Each occurrence of VALUE (32 bytes) became <redacted:NAME>.
delta = sum(len(f"<redacted:{k}>") - len(v) for k, v in values.items()) * (expected // len(values))
assert len(out) == size_in + delta, (len(out), size_in, delta)
EOF

bench() {  # NAME ARGS... (hyperfine options and one command)
  local name=$1
  shift
  hyperfine "$@" --export-json "$results/$name.json" >&2
}
env_cmd="env $(printf '%s ' "${assignments[@]}")/bin/true"
bench exec-startup -N --warmup 5 --runs "$runs" \
  --command-name "env (20 variables) /bin/true" "$env_cmd" \
  --command-name "vaultx exec (20 secrets) /bin/true" "$vaultx exec --scope env20 -- /bin/true" \
  --command-name "vaultx exec --mask never /bin/true" "$vaultx exec --scope env20 --mask never -- /bin/true"

in=$tmp/stream.in out=$tmp/stream.out
bench exec-stream --warmup 1 --runs "$stream_runs" \
  --command-name "cat" "cat <'$in' >'$out'" \
  --command-name "vaultx exec --mask always cat (50 values)" \
  "'$vaultx' exec --scope mask50 --mask always -- cat <'$in' >'$out'"

python3 - "$results" "$stream_mib" <<'EOF'
import json, os, sys
results, mib = sys.argv[1], int(sys.argv[2])
ms = lambda s: f"{s * 1000:.1f}"
print("| benchmark | mean ± σ (ms) | min (ms) | user (ms) | system (ms) | ratio |")
print("|---|---:|---:|---:|---:|---:|")
for name in ("exec-startup", "exec-stream"):
    with open(os.path.join(results, name + ".json")) as f:
        rows = json.load(f)["results"]
    base = rows[0]["mean"]
    for r in rows:
        print(f"| {r['command']} | {ms(r['mean'])} ± {ms(r['stddev'])} | {ms(r['min'])} | {ms(r['user'])} | "
              f"{ms(r['system'])} | {r['mean'] / base:.2f}x |")
    if name == "exec-stream":
        for r in rows:
            print(f"\n{r['command']}: {mib / r['mean']:.0f} MiB/s", end="")
        print()
EOF
