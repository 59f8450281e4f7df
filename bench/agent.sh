#!/usr/bin/env bash
# What the agent buys, with hyperfine:
#   1. `vaultx get NAME` through an unlocked agent, against `vaultx get NAME` with the
#      passphrase at the DEFAULT KDF cost (t=3, m=64M, p=4: what a user pays), and
#      against /bin/true (process start-up).
#   2. `vaultx exec --scope S -- /bin/true`, S holding 20 secrets, through the agent,
#      against /bin/true and against `env` setting the same 20 variables then /bin/true.
# Results are checked before anything is timed.
#
# Usage: bench/agent.sh [path/to/vaultx]      (default: build/vaultx)
# Env:   VX_BENCH_RUNS (default 50)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
vaultx=$(realpath "${1:-$here/../build/vaultx}")
results=$here/results
runs=${VX_BENCH_RUNS:-50}

die() { echo "agent.sh: $*" >&2; exit 1; }
[[ -x $vaultx ]] || die "no vaultx binary at $vaultx (build first, or pass its path)"
command -v hyperfine >/dev/null || die "hyperfine not found: apt-get install -y hyperfine"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vaultx-bench-agent.XXXXXX")
agent_pid=
cleanup() {
  [[ -n $agent_pid ]] && kill "$agent_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$results" "$tmp/home" "$tmp/run"
chmod 700 "$tmp/run"

for v in $(compgen -e); do [[ $v == VAULTX_* ]] && unset "$v"; done
export HOME=$tmp/home LANG=C.UTF-8 XDG_RUNTIME_DIR=$tmp/run
printf 'benchmark passphrase\n' >"$tmp/passphrase"
export VAULTX_STATE_DIR=$tmp/state VAULTX_STORE=$tmp/store

echo "vaultx: $("$vaultx" --version)   cores: $(nproc)   load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

VAULTX_PASSPHRASE_FILE=$tmp/passphrase "$vaultx" init   # the default KDF cost
for i in $(seq -w 1 20); do VAULTX_PASSPHRASE_FILE=$tmp/passphrase "$vaultx" set --generate=40 "env20/key-$i"; done
printf 'sk-bench\n' | VAULTX_PASSPHRASE_FILE=$tmp/passphrase "$vaultx" set openai/api-key
cat >"$VAULTX_STORE/vaultx.toml" <<'TOML'
[scopes.env20]
secrets = ["env20/*"]
TOML

eval "$("$vaultx" agent start --timeout 1h)"
agent_pid=$VAULTX_AGENT_PID
VAULTX_PASSPHRASE_FILE=$tmp/passphrase "$vaultx" unlock
[[ $("$vaultx" get openai/api-key) == sk-bench ]] || die "get through the agent does not give the value"

"$vaultx" env --scope env20 --format json >"$tmp/env20.json"
mapfile -t assignments < <(python3 -c '
import json, sys
for k, v in json.load(open(sys.argv[1])).items():
    print(f"{k}={v}")' "$tmp/env20.json")
((${#assignments[@]} == 20)) || die "scope env20 has ${#assignments[@]} variables, not 20"
"$vaultx" exec --scope env20 --mask never -- env | grep -c '^ENV20_' | grep -qx 20 || die "exec does not inject 20"

q() { printf '%q ' "$@"; }
hyperfine -N --warmup 3 --runs "$runs" --export-json "$results/agent-get.json" \
  -n 'get via agent' "$(q "$vaultx" get openai/api-key)" \
  -n 'get via passphrase (default KDF)' "$(q env -u VAULTX_AGENT_SOCK VAULTX_PASSPHRASE_FILE="$tmp/passphrase" "$vaultx" get openai/api-key)" \
  -n '/bin/true' /bin/true
hyperfine -N --warmup 3 --runs "$runs" --export-json "$results/agent-exec.json" \
  -n 'exec 20 secrets via agent' "$(q "$vaultx" exec --scope env20 -- /bin/true)" \
  -n 'exec 20 secrets via agent, --mask never' "$(q "$vaultx" exec --scope env20 --mask never -- /bin/true)" \
  -n 'env 20 vars /bin/true' "$(q env "${assignments[@]}" /bin/true)" \
  -n '/bin/true' /bin/true
"$vaultx" agent stop >/dev/null
agent_pid=
