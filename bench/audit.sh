#!/usr/bin/env bash
# Times reading and verifying a 100,000-record audit trail:
#   vaultx audit --json > /dev/null     (no key)
#   vaultx audit verify                 (unlocks, recomputes every chain hash and MAC)
# Usage: bench/audit.sh [RECORDS]   (needs a built tree: scripts/build; and hyperfine)
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-100000}
build=${VAULTX_BUILD_DIR:-build}
vaultx=$build/vaultx
[ -x "$vaultx" ] || { echo "build first: scripts/build" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "install hyperfine (Debian package 'hyperfine')" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export VAULTX_STORE=$work/store VAULTX_STATE_DIR=$work/state VAULTX_PASSPHRASE=bench-passphrase

g++ -std=c++20 -O2 -Iinclude bench/audit_gen.cpp \
  "$build"/src/libvaultx_audit.a "$build"/src/libvaultx_store.a "$build"/src/libvaultx_format.a \
  "$build"/src/libvaultx_crypto.a "$build"/src/libvaultx_secure.a \
  $(pkg-config --libs libsodium libargon2) -o "$work/audit_gen"

# A cheap KDF keeps the unlock in `verify` from dominating what is measured.
"$vaultx" init --kdf-memory 8M --kdf-time 1 --kdf-parallelism 1
rm -rf "$VAULTX_STATE_DIR"   # drop init's record: the generator writes the whole trail
"$work/audit_gen" "$VAULTX_STORE" "$VAULTX_STATE_DIR" "$records"
trail=$(ls "$VAULTX_STATE_DIR"/audit/*.log)
echo "trail: $records records, $(du -h "$trail" | cut -f1)"
"$vaultx" audit verify

hyperfine --warmup 2 --runs 10 \
  "$vaultx audit --json > /dev/null" \
  "$vaultx audit > /dev/null" \
  "$vaultx audit verify > /dev/null 2>&1"
