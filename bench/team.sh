#!/usr/bin/env bash
# Team-store read path, with hyperfine, side by side in one run:
#   vaultx get ONE and vaultx exec --scope S (20 secrets) unlocked by an
#   identity file (VAULTX_IDENTITY_FILE, no KDF), against `age -d` of one file
#   and `pass show` of one entry (a throwaway GnuPG key without passphrase).
# Every result is checked before anything is timed.
#
# Usage: bench/team.sh [path/to/vaultx]      (default: build/vaultx)
# Env:   VX_BENCH_RUNS (default 50)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
vaultx=$(realpath "${1:-$here/../build/vaultx}")
runs=${VX_BENCH_RUNS:-50}
die() { echo "team.sh: $*" >&2; exit 1; }
[[ -x $vaultx ]] || die "no vaultx binary at $vaultx"
for tool in hyperfine age age-keygen pass gpg; do
  command -v "$tool" >/dev/null || die "$tool not found: apt-get install -y hyperfine age pass gnupg"
done

work=$(mktemp -d)
trap 'gpgconf --homedir "$work/gnupg" --kill all 2>/dev/null || true; rm -rf "$work"' EXIT
export HOME=$work/home VAULTX_STORE=$work/store VAULTX_STATE_DIR=$work/state
mkdir -p "$HOME"

# vaultx: 20 secrets in scope "app"; a full recipient's identity unlocks.
VAULTX_PASSPHRASE=bench "$vaultx" init --kdf-memory 8M --kdf-time 1 --kdf-parallelism 1 >/dev/null
printf '[scopes.app]\nsecrets = ["app/*"]\n' >"$VAULTX_STORE/vaultx.toml"
for i in $(seq 1 20); do printf 'value-%02d' "$i" | VAULTX_PASSPHRASE=bench "$vaultx" set --raw "app/s$i"; done
pub=$("$vaultx" identity new --out "$work/id" | tail -n 1)
VAULTX_PASSPHRASE=bench "$vaultx" recipients add "$pub" --name bench >/dev/null
export VAULTX_IDENTITY_FILE=$work/id
"$vaultx" scope sync --yes >/dev/null
[[ $("$vaultx" get app/s1) == value-01 ]] || die "vaultx get does not read app/s1"
[[ $("$vaultx" exec --scope app --mask never -- sh -c 'echo $APP_S20') == value-20 ]] || die "exec lacks APP_S20"

# age: one file.
age-keygen -o "$work/age.key" 2>/dev/null
printf 'value-01' | age -r "$(age-keygen -y "$work/age.key")" -o "$work/one.age"
[[ $(age -d -i "$work/age.key" "$work/one.age") == value-01 ]] || die "age round trip"

# pass: a throwaway GnuPG key without passphrase.
export GNUPGHOME=$work/gnupg PASSWORD_STORE_DIR=$work/pass
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key bench@example.invalid default default never 2>/dev/null
pass init bench@example.invalid >/dev/null
printf 'value-01\n' | pass insert -m app/s1 >/dev/null
[[ $(pass show app/s1) == value-01 ]] || die "pass round trip"

hyperfine -N --warmup 5 --runs "$runs" \
  -n "vaultx get (identity)" "$vaultx get app/s1" \
  -n "vaultx exec 20 secrets (identity)" "$vaultx exec --scope app --mask never -- true" \
  -n "age -d" "age -d -i $work/age.key $work/one.age" \
  -n "pass show" "pass show app/s1"
