#!/usr/bin/env bash
# What the credential broker of `vaultx exec --broker` costs, against talking
# HTTPS directly to the same upstream:
#   1. added latency per request: 1,000 small GETs over one keep-alive
#      connection, each way (median and p99, after 100 warm-up requests);
#      through the broker, each request is also checked, injected, forwarded
#      over the broker's own kept TLS connection and audited;
#   2. throughput of one 100 MiB streamed (chunked) response, each way
#      (the best of 3 runs); through the broker it is re-chunked and masked.
# The upstream is a Python HTTPS server (http.server + ssl) on 127.0.0.1 with a
# test CA made by openssl; the client is Python's http.client, run as the
# child of `vaultx exec --broker`, so both ways share the client's own costs.
#
# Usage: bench/broker.sh [path/to/vaultx]      (default: build/vaultx)
# Env:   VX_BENCH_REQUESTS (default 1000), VX_BENCH_STREAM_MIB (default 100)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
vaultx=$(realpath "${1:-$here/../build/vaultx}")
requests=${VX_BENCH_REQUESTS:-1000}
stream_mib=${VX_BENCH_STREAM_MIB:-100}
results=$here/results

die() { echo "broker.sh: $*" >&2; exit 1; }
[[ -x $vaultx ]] || die "no vaultx binary at $vaultx (build first, or pass its path)"
command -v openssl >/dev/null || die "openssl not found"
command -v python3 >/dev/null || die "python3 not found"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vaultx-bench-broker.XXXXXX")
upstream_pid=
cleanup() {
  [[ -n $upstream_pid ]] && kill "$upstream_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# A test CA and a certificate for localhost.
(
  cd "$tmp"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 1 \
    -subj "/CN=vaultx bench CA" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr \
    -subj /CN=localhost 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >ext.cnf
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 1 \
    -extfile ext.cnf 2>/dev/null
)

cat >"$tmp/upstream.py" <<'PY'
import http.server, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each response waits for a delayed ACK (40 ms)
    def log_message(self, *a): pass
    def do_GET(self):
        if self.path.startswith("/v1/big/"):
            mib = int(self.path.rsplit("/", 1)[1])
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            piece = b"x" * 65536
            frame = b"%x\r\n%s\r\n" % (len(piece), piece)
            for _ in range(mib * 16):
                self.wfile.write(frame)
            self.wfile.write(b"0\r\n\r\n")
            return
        body = b'{"object":"list","data":[{"id":"model-1"}]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
PY

cat >"$tmp/client.py" <<'PY'
import http.client, json, os, ssl, statistics, sys, time, urllib.parse
port, ca, n, mib = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
base = urllib.parse.urlsplit(os.environ["OPENAI_BASE_URL"])
auth = {"Authorization": "Bearer " + os.environ["OPENAI_API_KEY"]}
tls = ssl.create_default_context(cafile=ca)

def direct():
    return http.client.HTTPSConnection("localhost", port, context=tls), "/v1"
def brokered():
    return http.client.HTTPConnection(base.hostname, base.port), base.path

def latencies(make):
    conn, prefix = make()
    out = []
    for i in range(100 + n):
        t = time.perf_counter_ns()
        conn.request("GET", prefix + "/models", headers=auth)
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            sys.exit(f"status {r.status}")
        if i >= 100:
            out.append((time.perf_counter_ns() - t) / 1000.0)
    conn.close()
    out.sort()
    return {"median_us": statistics.median(out), "p99_us": out[int(len(out) * 0.99) - 1], "mean_us": statistics.mean(out)}

def throughput(make):
    best = 0.0
    for _ in range(3):
        conn, prefix = make()
        t = time.perf_counter()
        conn.request("GET", f"{prefix}/big/{mib}", headers=auth)
        r = conn.getresponse()
        got = 0
        while True:
            piece = r.read1(1 << 20)
            if not piece:
                break
            got += len(piece)
        elapsed = time.perf_counter() - t
        conn.close()
        if got != mib << 20:
            sys.exit(f"got {got} bytes")
        best = max(best, mib / elapsed)
    return best

result = {"direct": latencies(direct), "broker": latencies(brokered),
          "direct_mib_s": throughput(direct), "broker_mib_s": throughput(brokered)}
print(json.dumps(result))
PY

python3 "$tmp/upstream.py" "$tmp/server.pem" "$tmp/server.key" >"$tmp/port" &
upstream_pid=$!
for _ in $(seq 100); do [[ -s $tmp/port ]] && break; sleep 0.05; done
port=$(cat "$tmp/port")
[[ -n $port ]] || die "the upstream did not start"

export VAULTX_STORE=$tmp/store VAULTX_STATE_DIR=$tmp/state VAULTX_PASSPHRASE=bench-passphrase
"$vaultx" init --kdf-memory 8M --kdf-time 1 --kdf-parallelism 1 >/dev/null
printf 'sk-bench-0123456789abcdefghij' | "$vaultx" set --raw bench/api-key
cat >"$tmp/store/vaultx.toml" <<TOML
[scopes.bench]
secrets = ["bench/api-key"]

[broker.routes.openai]
scope = "bench"
upstream = "https://localhost:$port/v1"
inject = { header = "Authorization", value = "Bearer {bench/api-key}" }
base_url_env = "OPENAI_BASE_URL"
placeholder_env = "OPENAI_API_KEY"
ca_file = "$tmp/ca.pem"
TOML

json=$(${VX_BENCH_WRAP:-} "$vaultx" exec --scope bench --broker -- python3 "$tmp/client.py" "$port" "$tmp/ca.pem" "$requests" "$stream_mib")
audited=$("$vaultx" audit --json --op broker | wc -l)
mkdir -p "$results"
python3 - "$json" "$requests" "$stream_mib" "$audited" <<'PY' | tee "$results/broker.txt"
import json, sys
r, n, mib, audited = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
d, b = r["direct"], r["broker"]
print(f"latency over {n} keep-alive GETs (us)   median    p99    mean")
print(f"  direct HTTPS                       {d['median_us']:8.0f} {d['p99_us']:6.0f} {d['mean_us']:7.0f}")
print(f"  through the broker                 {b['median_us']:8.0f} {b['p99_us']:6.0f} {b['mean_us']:7.0f}")
print(f"  added by the broker                {b['median_us']-d['median_us']:8.0f} {b['p99_us']-d['p99_us']:6.0f} {b['mean_us']-d['mean_us']:7.0f}")
print(f"{mib} MiB streamed response (best of 3)   direct {r['direct_mib_s']:.0f} MiB/s, through the broker {r['broker_mib_s']:.0f} MiB/s")
print(f"broker requests in the audit trail: {audited}")
PY
