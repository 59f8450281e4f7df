"""End-to-end tests of the credential broker (issue 9): `vaultx exec --broker`.

A local HTTPS upstream (http.server over ssl, with a CA and a server
certificate made by the openssl CLI for each run) records what it receives.
The child is a small Python program that talks to the broker with the URL and
the placeholder it finds in its environment, and writes what it saw to a file.
"""
import http.server
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import vxtest
from vxtest import PASSPHRASE, VxTestCase

REAL_KEY = "sk-real-0123456789abcdefghijklmnop"
OTHER_KEY = "ghp_other-secret-value-42"

CHILD = r'''
import http.client, json, os, sys, time, urllib.parse

out_path, mode = sys.argv[1], sys.argv[2]
args = sys.argv[3:]
result = {"env": dict(os.environ)}
with open("/proc/self/environ", "rb") as f:
    result["proc_environ"] = f.read().decode(errors="replace")
base = urllib.parse.urlsplit(os.environ["OPENAI_BASE_URL"])
key = os.environ["OPENAI_API_KEY"]


def connect():
    return http.client.HTTPConnection(base.hostname, base.port, timeout=30)


def request(conn, method, path, headers=None, body=None):
    h = {"Authorization": "Bearer " + key}
    h.update(headers or {})
    h = {k: v for k, v in h.items() if v is not None}
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    return r


def save():
    with open(out_path + ".tmp", "w") as f:
        json.dump(result, f)
    os.rename(out_path + ".tmp", out_path)


if mode == "simple":
    conn = connect()
    r = request(conn, "POST", base.path + "/chat/completions?stream=false", body=b'{"model":"m"}',
                headers={"Content-Type": "application/json"})
    result["status"] = r.status
    result["body"] = r.read().decode(errors="replace")
    # A second request on the same connection (keep-alive on both sides).
    r = request(conn, "GET", base.path + "/models")
    result["status2"] = r.status
    result["body2"] = r.read().decode(errors="replace")
    print("child saw:", result["body"])
elif mode == "refusals":
    statuses = {}
    for name, method, path, headers in [
            ("unknown_route", "GET", "/nosuch/models", None),
            ("absolute_form", "GET", "https://evil.example/v1/models", None),
            ("dot_segments", "GET", base.path + "/../admin", None),
            ("no_header", "GET", base.path + "/models", {"Authorization": None}),
            ("wrong_placeholder", "GET", base.path + "/models", {"Authorization": "Bearer " + (args[0] if args else "vxph_x")}),
            ("bad_host", "GET", base.path + "/models", {"Host": "evil.example"}),
            ("big_head", "GET", base.path + "/models", {"X-Padding": "p" * 70000}),
    ]:
        conn = connect()
        if headers and "Host" in headers:
            conn.putrequest(method, path, skip_host=True)
            conn.putheader("Host", headers["Host"])
            conn.putheader("Authorization", "Bearer " + key)
            conn.endheaders()
            r = conn.getresponse()
        else:
            r = request(conn, method, path, headers)
        statuses[name] = r.status
        r.read()
        conn.close()
    result["statuses"] = statuses
elif mode == "stream":
    marker = args[0]
    conn = connect()
    r = request(conn, "GET", base.path + "/stream")
    result["status"] = r.status
    lines = []
    first = r.readline()
    lines.append(first.decode())
    open(marker, "w").close()  # the upstream sends the rest only once this exists
    rest = r.read().decode()
    lines.append(rest)
    result["lines"] = lines
elif mode == "slow":
    marker = args[0]
    conn = connect()
    r = request(conn, "GET", base.path + "/slow")
    result["status"] = r.status
    r.readline()
    open(marker, "w").close()
    start = time.monotonic()
    got = 0
    try:
        while True:
            piece = r.read1(1024)
            if not piece:
                result["end"] = "eof"
                break
            got += len(piece)
    except Exception as e:
        result["end"] = type(e).__name__
    result["after_marker"] = time.monotonic() - start
    result["bytes_after"] = got
    # A new request after the cut is refused.
    try:
        conn2 = connect()
        r2 = request(conn2, "GET", base.path + "/models")
        result["status_after"] = r2.status
    except Exception as e:
        result["status_after"] = type(e).__name__
elif mode == "give-up":
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=1)
    try:
        request(conn, "GET", base.path + "/models")
        result["status"] = "answered"
    except Exception as e:
        result["status"] = type(e).__name__
elif mode == "many":
    statuses = []
    for _ in range(int(args[0])):
        conn = connect()
        r = request(conn, "GET", base.path + "/models")
        r.read()
        statuses.append(r.status)
        conn.close()
    result["statuses"] = statuses
save()
'''


def make_pki(directory):
    """A test CA and a certificate for localhost / 127.0.0.1 signed by it."""
    def run(*args):
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
        "-out", "ca.pem", "-days", "2", "-subj", "/CN=vaultx test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key",
        "-out", "server.csr", "-subj", "/CN=localhost")
    with open(os.path.join(directory, "ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")
    return os.path.join(directory, "ca.pem"), os.path.join(directory, "server.pem"), os.path.join(directory, "server.key")


class Upstream:
    """An HTTPS server on 127.0.0.1 recording each request's method, path and headers."""

    def __init__(self, cert, key):
        self.requests = []
        self.marker = None  # stream: the last chunk waits for this file
        self.stream_late = False
        upstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                self.handle_any()

            def do_POST(self):
                self.handle_any()

            def chunk(self, data):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                upstream.requests.append({"method": self.command, "path": self.path,
                                          "headers": dict(self.headers.items()), "body": body.decode()})
                if self.path.startswith("/v1/stream") or self.path.startswith("/v1/slow"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    self.chunk(b"data: first\n\n")
                    if self.path.startswith("/v1/stream"):
                        deadline = time.monotonic() + 10
                        while not os.path.exists(upstream.marker) and time.monotonic() < deadline:
                            time.sleep(0.02)
                        upstream.stream_late = not os.path.exists(upstream.marker)
                        self.chunk(b"data: TIMEOUT\n\n" if upstream.stream_late else b"data: last\n\n")
                    else:
                        try:
                            for _ in range(200):  # 20 s
                                time.sleep(0.1)
                                self.chunk(b"data: more\n\n")
                        except OSError:
                            return
                    self.wfile.write(b"0\r\n\r\n")
                    return
                # The body echoes the credential it got: the broker must mask it.
                payload = json.dumps({"path": self.path, "auth": self.headers.get("Authorization")}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class BrokerTestCase(VxTestCase):
    @classmethod
    def setUpClass(cls):
        cls.pki_dir = tempfile.mkdtemp(prefix="vx-pki-")
        cls.ca, cls.cert, cls.key = make_pki(cls.pki_dir)

    @classmethod
    def tearDownClass(cls):
        import shutil
        shutil.rmtree(cls.pki_dir, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.upstream = Upstream(self.cert, self.key)
        self.addCleanup(self.upstream.close)
        self.vx.init()
        self.vx.set("openai/api-key", REAL_KEY)
        self.vx.set("gh/token", OTHER_KEY)
        self.child = os.path.join(self.vx.root, "child.py")
        with open(self.child, "w") as f:
            f.write(CHILD)
        self.write_config()

    def write_config(self, rate=None, ca_file=True, extra=""):
        text = f"""\
[scopes.agent-a]
secrets = ["openai/api-key", "gh/token"]

[broker.routes.openai]
scope = "agent-a"
upstream = "https://localhost:{self.upstream.port}/v1"
inject = {{ header = "Authorization", value = "Bearer {{openai/api-key}}" }}
base_url_env = "OPENAI_BASE_URL"
placeholder_env = "OPENAI_API_KEY"
"""
        if rate:
            text += f'rate = "{rate}"\n'
        if ca_file:
            text += f'ca_file = "{self.ca}"\n'
        with open(os.path.join(self.vx.store, "vaultx.toml"), "w") as f:
            f.write(text + extra)

    def run_child(self, mode, *args, env=None, timeout=60, exec_args=()):
        out = os.path.join(self.vx.root, f"out-{mode}-{time.monotonic_ns()}.json")
        r = self.vx.run(["exec", "--scope", "agent-a", "--broker", *exec_args, "--", sys.executable, self.child, out,
                         mode, *args], env=env, timeout=timeout)
        result = None
        if os.path.exists(out):
            with open(out) as f:
                result = json.load(f)
        return r, result

    def audit(self):
        r = self.vx.run(["audit", "--json"])
        self.assertExit(r, 0)
        return [json.loads(line) for line in r.stdout.decode().splitlines()]

    def broker_records(self):
        return [rec for rec in self.audit() if rec["op"] == "broker"]


class BrokerTest(BrokerTestCase):
    def test_upstream_gets_the_real_header_child_only_the_placeholder(self):
        r, result = self.run_child("simple")
        self.assertExit(r, 0)
        self.assertIsNotNone(result, r.describe())
        self.assertEqual(result["status"], 200, result)
        self.assertEqual(result["status2"], 200, result)
        # The upstream got the real credential, on the mapped path, with the body.
        self.assertEqual(len(self.upstream.requests), 2)
        first = self.upstream.requests[0]
        self.assertEqual(first["headers"]["Authorization"], "Bearer " + REAL_KEY)
        self.assertEqual(first["path"], "/v1/chat/completions?stream=false")
        self.assertEqual(first["body"], '{"model":"m"}')
        self.assertEqual(first["headers"]["Host"], f"localhost:{self.upstream.port}")
        self.assertEqual(self.upstream.requests[1]["path"], "/v1/models")
        # The child: a placeholder and the broker's URL, never the key (env, /proc, output).
        env = result["env"]
        self.assertRegex(env["OPENAI_API_KEY"], r"^vxph_[A-Za-z0-9]{32}$")
        self.assertRegex(env["OPENAI_BASE_URL"], r"^http://127\.0\.0\.1:[0-9]+/openai$")
        self.assertNotIn("OPENAI_API_KEY=" + REAL_KEY, result["proc_environ"])
        for v in env.values():
            self.assertNotIn(REAL_KEY, v)
        self.assertNotIn(REAL_KEY, result["proc_environ"])
        # Secrets of the scope that no route uses are injected as usual.
        self.assertEqual(env["GH_TOKEN"], OTHER_KEY)
        # The upstream echoed the key in its body: the broker masked it.
        self.assertNotIn(REAL_KEY, result["body"])
        self.assertIn("<redacted:openai/api-key>", result["body"])
        self.assertNotLeaked(r, REAL_KEY)
        # Audited: route, method, host, path, status, sizes; no header value.
        recs = self.broker_records()
        self.assertEqual(len(recs), 2, recs)
        self.assertEqual(recs[0]["outcome"], "ok")
        self.assertEqual(recs[0]["scope"], "agent-a")
        self.assertEqual(recs[0]["command"], "openai")
        self.assertEqual(recs[0]["prefix"], "POST localhost/v1/chat/completions")
        self.assertEqual(recs[0]["status"], 200)
        self.assertIn("in=13 ", recs[0]["reason"])
        self.assertEqual(recs[0]["names"], ["openai/api-key"])
        audit_dir = os.path.join(self.vx.state, "audit")
        with open(os.path.join(audit_dir, os.listdir(audit_dir)[0])) as f:
            trail = f.read()
        self.assertNotIn(REAL_KEY, trail)
        self.assertNotIn(env["OPENAI_API_KEY"], trail)

    def test_mask_never_still_keeps_the_broker(self):
        r, result = self.run_child("many", "2", exec_args=("--mask", "never"))
        self.assertExit(r, 0)
        self.assertEqual(result["statuses"], [200, 200])
        exec_rec = [rec for rec in self.audit() if rec["op"] == "exec"][-1]
        self.assertEqual(exec_rec.get("status"), 0, exec_rec)  # vaultx stayed the parent

    def test_child_exit_status_and_signals_are_unchanged(self):
        r = self.vx.run(["exec", "--scope", "agent-a", "--broker", "--", "sh", "-c", "exit 7"])
        self.assertExit(r, 7)
        r = self.vx.run(["exec", "--scope", "agent-a", "--broker", "--", "sh", "-c", "kill -TERM $$"])
        self.assertExit(r, 128 + 15)
        p = self.vx.spawn(["exec", "--scope", "agent-a", "--broker", "--", "sh", "-c",
                           "trap 'exit 42' INT; echo ready; while :; do sleep 0.05; done"])
        self.assertEqual(p.stdout.readline(), b"ready\n")
        os.kill(p.pid, 2)
        p.communicate(timeout=20)
        self.assertEqual(p.returncode, 42, "SIGINT reached the child through vaultx")

    def test_refusals_are_403_or_401_and_audited(self):
        r, result = self.run_child("refusals")
        self.assertExit(r, 0)
        s = result["statuses"]
        self.assertEqual(s["unknown_route"], 403)
        self.assertEqual(s["absolute_form"], 403)
        self.assertEqual(s["dot_segments"], 403)
        self.assertEqual(s["bad_host"], 403)
        self.assertEqual(s["no_header"], 401)
        self.assertEqual(s["wrong_placeholder"], 401)
        self.assertEqual(s["big_head"], 413)
        self.assertEqual(self.upstream.requests, [], "nothing refused reaches the upstream")
        recs = self.broker_records()
        self.assertEqual(len(recs), 7, recs)
        self.assertTrue(all(rec["outcome"] == "denied" for rec in recs), recs)
        self.assertTrue(any(rec["reason"].startswith("no such route") for rec in recs), recs)
        self.assertTrue(any(rec["reason"].startswith("no valid placeholder") for rec in recs), recs)

    def test_a_placeholder_from_another_run_is_refused(self):
        _, first = self.run_child("simple")
        old = first["env"]["OPENAI_API_KEY"]
        r, second = self.run_child("refusals", old)
        self.assertExit(r, 0)
        self.assertNotEqual(second["env"]["OPENAI_API_KEY"], old)
        self.assertEqual(second["statuses"]["wrong_placeholder"], 401)

    def test_stream_arrives_incrementally(self):
        marker = os.path.join(self.vx.root, "got-first-chunk")
        self.upstream.marker = marker
        r, result = self.run_child("stream", marker)
        self.assertExit(r, 0)
        self.assertEqual(result["status"], 200)
        self.assertEqual(result["lines"][0], "data: first\n")
        self.assertFalse(self.upstream.stream_late, "the first chunk reached the child only after the last was sent")
        self.assertIn("data: last", result["lines"][1])

    def test_rate_limit_refuses_the_excess(self):
        self.write_config(rate="3/min")
        r, result = self.run_child("many", "5")
        self.assertExit(r, 0)
        self.assertEqual(result["statuses"], [200, 200, 200, 429, 429])
        self.assertEqual(len(self.upstream.requests), 3)
        denied = [rec for rec in self.broker_records() if rec["outcome"] == "denied"]
        self.assertEqual(len(denied), 2)
        self.assertTrue(denied[0]["reason"].startswith("rate limit"), denied)

    def test_untrusted_upstream_certificate_is_refused(self):
        self.write_config(ca_file=False)  # the system's CAs do not know the test CA
        r, result = self.run_child("many", "1")
        self.assertExit(r, 0)
        self.assertEqual(result["statuses"], [502])
        self.assertEqual(self.upstream.requests, [])
        recs = self.broker_records()
        self.assertEqual(recs[0]["outcome"], "failed")
        self.assertTrue(recs[0]["reason"].startswith("upstream certificate not trusted"), recs)
        self.assertEqual(recs[0]["status"], 502)

    def test_a_stalled_upstream_does_not_hold_vaultx(self):
        # A listener that never accepts: the TCP connection is made by the
        # kernel, the TLS handshake never answered.
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        self.addCleanup(silent.close)
        self.upstream.port = silent.getsockname()[1]
        self.write_config()
        start = time.monotonic()
        r, result = self.run_child("give-up")
        self.assertExit(r, 0)
        self.assertEqual(result["status"], "TimeoutError")
        self.assertLess(time.monotonic() - start, 10, "vaultx waited for the stalled upstream")

    def test_an_unreachable_upstream_is_502_and_audited(self):
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        self.upstream.port = closed.getsockname()[1]  # bound, never listening: refused
        self.write_config()
        r, result = self.run_child("many", "1")
        closed.close()
        self.assertExit(r, 0)
        self.assertEqual(result["statuses"], [502])
        rec = self.broker_records()[0]
        self.assertEqual((rec["outcome"], rec["status"]), ("failed", 502))
        self.assertTrue(rec["reason"].startswith("upstream unreachable"), rec)

    def test_a_route_secret_outside_its_scope_is_a_config_error(self):
        with open(os.path.join(self.vx.store, "vaultx.toml")) as f:
            text = f.read()
        with open(os.path.join(self.vx.store, "vaultx.toml"), "w") as f:
            f.write(text.replace("{openai/api-key}", "{aws/key}"))
        r = self.vx.run(["env", "--scope", "agent-a"])
        self.assertExit(r, 2)
        self.assertStderrHas(r, "route openai injects the secret aws/key, which is not in its scope agent-a")
        r = self.vx.run(["exec", "--scope", "agent-a", "--broker", "--", "true"])
        self.assertExit(r, 125)

    def test_a_route_variable_may_not_meet_a_secret_variable(self):
        with open(os.path.join(self.vx.store, "vaultx.toml")) as f:
            text = f.read()
        with open(os.path.join(self.vx.store, "vaultx.toml"), "w") as f:
            f.write(text.replace('secrets = ["openai/api-key", "gh/token"]',
                                 'secrets = ["openai/api-key", "gh/token"]\nenv = { OPENAI_BASE_URL = "gh/token" }'))
        r = self.vx.run(["exec", "--scope", "agent-a", "--broker", "--", "true"])
        self.assertExit(r, 125)
        self.assertStderrHas(r, "OPENAI_BASE_URL would be set both for")

    def test_no_route_for_the_scope(self):
        self.write_config()
        with open(os.path.join(self.vx.store, "vaultx.toml"), "a") as f:
            f.write('\n[scopes.other]\nsecrets = ["gh/token"]\n')
        r = self.vx.run(["exec", "--scope", "other", "--broker", "--", "true"])
        self.assertExit(r, 125)
        self.assertStderrHas(r, "no [broker.routes] for scope(s) other")


class AgentBrokerTestCase(BrokerTestCase):
    """A BrokerTestCase with an agent running and unlocked (also used by test_broker_daemon)."""

    def setUp(self):
        super().setUp()
        self.runtime = os.path.join(self.vx.root, "run")
        os.mkdir(self.runtime, 0o700)
        r = self.vx.run(["agent", "start"], env={"XDG_RUNTIME_DIR": self.runtime, "VAULTX_PASSPHRASE": None})
        self.assertExit(r, 0)
        self.agent_env = {}
        for line in r.stdout.decode().splitlines():
            m = re.match(r"(VAULTX_AGENT_[A-Z]+)=('?)([^';]*)\2; export \1;$", line)
            self.agent_env[m.group(1)] = m.group(3)
        self.addCleanup(self.stop_agent)
        self.assertExit(self.vx.run(["unlock"], env=dict(self.agent_env, VAULTX_PASSPHRASE=PASSPHRASE)), 0)

    def stop_agent(self):
        pid = int(self.agent_env["VAULTX_AGENT_PID"])
        try:
            os.kill(pid, 15)
        except ProcessLookupError:
            pass

    def owner_env(self):
        return dict(self.agent_env, VAULTX_PASSPHRASE=None)

    def grant(self):
        r = self.vx.run(["agent", "grant", "--scope", "agent-a"], env=self.owner_env())
        self.assertExit(r, 0)
        return r.stdout.decode().strip()


class BrokerRevocationTest(AgentBrokerTestCase):
    def cut_mid_stream(self, cut):
        token = self.grant()
        marker = os.path.join(self.vx.root, "streaming")
        out = os.path.join(self.vx.root, "out-slow.json")
        env = self.vx.environment(dict(self.agent_env, VAULTX_AGENT_TOKEN=token, VAULTX_PASSPHRASE=None))
        p = subprocess.Popen([self.vx.bin, "exec", "--scope", "agent-a", "--broker", "--", sys.executable, self.child,
                              out, "slow", marker], env=env, cwd=self.vx.root, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, start_new_session=True)
        try:
            deadline = time.monotonic() + 20
            while not os.path.exists(marker) and time.monotonic() < deadline and p.poll() is None:
                time.sleep(0.02)
            self.assertTrue(os.path.exists(marker), p.stderr.read1(4096) if p.poll() is not None else "no stream")
            time.sleep(0.3)  # the stream is flowing
            cut()
            _, err = p.communicate(timeout=15)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.assertEqual(p.returncode, 0, err)
        with open(out) as f:
            result = json.load(f)
        # The 20 s stream ended within about a second of the cut.
        self.assertLess(result["after_marker"], 5.0, result)
        self.assertNotEqual(result["end"], "eof", "the stream was not cut")
        self.assertIn(result["status_after"], (403, "RemoteDisconnected", "ConnectionResetError"), result)
        recs = self.broker_records()
        self.assertTrue(any(rec["reason"].startswith("access revoked") for rec in recs), recs)

    def test_revoking_the_grant_cuts_a_stream_in_flight(self):
        self.cut_mid_stream(lambda: self.assertExit(self.vx.run(["agent", "revoke", "--all"], env=self.owner_env()), 0))

    def test_locking_the_agent_cuts_a_stream_in_flight(self):
        self.cut_mid_stream(lambda: self.assertExit(self.vx.run(["lock"], env=self.owner_env()), 0))


if __name__ == "__main__":
    vxtest.main()
