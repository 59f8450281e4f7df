"""End-to-end tests of the long-running broker (issue 9): `vaultx broker --scope S`.

The same local HTTPS upstream and vaultx.toml as test_broker.py; here the
test itself is the broker's client: it starts `vaultx broker`, reads the
variables it prints, and sends requests with the placeholder.
"""
import http.client
import json
import os
import select
import signal
import stat
import subprocess
import threading
import time
import urllib.parse

import vxtest
from test_broker import REAL_KEY, AgentBrokerTestCase

EXIT_ACCESS_GONE = 3  # Errc::unlock, as documented in vaultx-broker(1)


class BrokerDaemonTest(AgentBrokerTestCase):
    def start(self, *args, env=None, lines=2):
        """Starts `vaultx broker --scope agent-a ARGS` and reads its first `lines` lines of stdout."""
        if env is None:
            env = self.token_env()
        p = subprocess.Popen([self.vx.bin, "broker", "--scope", "agent-a", *args], env=self.vx.environment(env),
                             cwd=self.vx.root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, start_new_session=True)
        self.addCleanup(self.reap, p)
        out = b""
        deadline = time.monotonic() + 30
        while out.count(b"\n") < lines and time.monotonic() < deadline:
            ready, _, _ = select.select([p.stdout], [], [], 0.2)
            if ready:
                piece = os.read(p.stdout.fileno(), 4096)
                if not piece:
                    break
                out += piece
        if out.count(b"\n") < lines:
            p.kill()
            _, err = p.communicate(timeout=10)
            self.fail(f"vaultx broker printed {out!r}, exit {p.returncode}, stderr {err!r}")
        return p, out.decode()

    @staticmethod
    def reap(p):
        if p.poll() is None:
            p.kill()
            p.communicate(timeout=10)

    def stop(self, p, sig=signal.SIGTERM, timeout=15):
        p.send_signal(sig)
        _, err = p.communicate(timeout=timeout)
        return p.returncode, err.decode(errors="replace")

    def token_env(self):
        """The agent with a grant for agent-a: the broker served by the agent."""
        return dict(self.agent_env, VAULTX_AGENT_TOKEN=self.grant(), VAULTX_PASSPHRASE=None)

    @staticmethod
    def parse(text):
        env = {}
        for line in text.splitlines():
            name, _, value = line.partition("=")
            env[name] = value
        return env

    @staticmethod
    def request(env, path="/models", placeholder=None, timeout=30):
        base = urllib.parse.urlsplit(env["OPENAI_BASE_URL"])
        conn = http.client.HTTPConnection(base.hostname, base.port, timeout=timeout)
        headers = {}
        if placeholder is not False:
            headers["Authorization"] = "Bearer " + (placeholder or env["OPENAI_API_KEY"])
        try:
            conn.request("GET", base.path + path, headers=headers)
            r = conn.getresponse()
            return r.status, r.read().decode(errors="replace")
        finally:
            conn.close()

    def records(self, op):
        return [rec for rec in self.audit() if rec["op"] == op]

    def test_serves_routes_through_the_agent_until_sigterm(self):
        p, out = self.start()
        self.assertRegex(out, r"\AOPENAI_BASE_URL=http://127\.0\.0\.1:[0-9]+/openai\n"
                              r"OPENAI_API_KEY=vxph_[A-Za-z0-9]{32}\n\Z")
        env = self.parse(out)
        status, body = self.request(env, "/chat/completions")
        self.assertEqual(status, 200, body)
        self.assertEqual(self.upstream.requests[0]["headers"]["Authorization"], "Bearer " + REAL_KEY)
        self.assertEqual(self.upstream.requests[0]["path"], "/v1/chat/completions")
        self.assertNotIn(REAL_KEY, body)
        self.assertIn("<redacted:openai/api-key>", body)
        # No placeholder, or another one: refused, and nothing more reaches the upstream.
        self.assertEqual(self.request(env, placeholder=False)[0], 401)
        self.assertEqual(self.request(env, placeholder="vxph_" + "A" * 32)[0], 401)
        self.assertEqual(len(self.upstream.requests), 1)
        with open(f"/proc/{p.pid}/cmdline", "rb") as f:
            self.assertNotIn(env["OPENAI_API_KEY"].encode(), f.read())
        code, err = self.stop(p)
        self.assertEqual(code, 0, err)
        self.assertIn("broker stopped (SIGTERM)", err)
        self.assertNotIn(REAL_KEY, err)
        self.assertNotIn(env["OPENAI_API_KEY"], err)
        # Audited: start, one record a request, stop; never the key or the placeholder.
        ops = [rec["op"] for rec in self.audit() if rec["op"].startswith("broker")]
        self.assertEqual(ops, ["broker-start", "broker", "broker", "broker", "broker-stop"], ops)
        start = self.records("broker-start")[0]
        self.assertEqual((start["outcome"], start["scope"]), ("ok", "agent-a"))
        self.assertIn("openai/api-key", start["names"])
        stop = self.records("broker-stop")[0]
        self.assertEqual((stop["outcome"], stop["reason"], stop["status"]), ("ok", "signal TERM", 0))
        self.assertEqual(stop["names"], ["openai/api-key"])
        ok = self.records("broker")[0]
        self.assertEqual((ok["outcome"], ok["command"], ok["status"]), ("ok", "openai", 200))
        self.assertEqual(ok["prefix"], "GET localhost/v1/chat/completions")
        audit_dir = os.path.join(self.vx.state, "audit")
        for name in os.listdir(audit_dir):
            with open(os.path.join(audit_dir, name)) as f:
                trail = f.read()
            self.assertNotIn(REAL_KEY, trail)
            self.assertNotIn(env["OPENAI_API_KEY"], trail)

    def test_sigint_and_sighup_stop_it_cleanly_with_a_passphrase_too(self):
        for sig in (signal.SIGINT, signal.SIGHUP):
            with self.subTest(sig=sig):
                p, out = self.start(env={})  # VAULTX_PASSPHRASE, no agent
                self.assertEqual(self.request(self.parse(out))[0], 200)
                code, err = self.stop(p, sig)
                self.assertEqual(code, 0, err)
                self.assertIn(f"broker stopped ({sig.name})", err)

    def test_json_prints_one_object(self):
        p, out = self.start("--json", lines=1)
        obj = json.loads(out)
        self.assertEqual(obj["pid"], p.pid)
        self.assertEqual(sorted(obj["env"]), ["OPENAI_API_KEY", "OPENAI_BASE_URL"])
        self.assertRegex(obj["env"]["OPENAI_API_KEY"], r"^vxph_[A-Za-z0-9]{32}$")
        self.assertEqual(obj["routes"], [{
            "name": "openai", "scope": "agent-a", "upstream": f"https://localhost:{self.upstream.port}/v1",
            "url": obj["env"]["OPENAI_BASE_URL"], "base_url_env": "OPENAI_BASE_URL",
            "placeholder_env": "OPENAI_API_KEY"}])
        self.assertEqual(self.request(obj["env"])[0], 200)
        self.assertEqual(self.stop(p)[0], 0)

    def test_env_file_is_private_and_removed_on_sigterm(self):
        path = os.path.join(self.vx.root, "broker.env")
        p, out = self.start("--env-file", path)
        st = os.lstat(path)
        self.assertTrue(stat.S_ISREG(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        with open(path) as f:
            text = f.read()
        first, rest = text.split("\n", 1)
        self.assertTrue(first.startswith("# vaultx broker: "), text)
        self.assertEqual(rest, out)
        self.assertNotIn(REAL_KEY, text)
        code, err = self.stop(p)
        self.assertEqual(code, 0, err)
        self.assertFalse(os.path.exists(path), "--env-file outlived the broker")
        self.assertEqual([n for n in os.listdir(self.vx.root) if n.startswith(".tmp-")], [])

    def test_env_file_of_another_program_is_never_replaced(self):
        path = os.path.join(self.vx.root, ".env")
        with open(path, "w") as f:
            f.write("DATABASE_URL=postgres://keep-me\n")
        r = self.vx.run(["broker", "--scope", "agent-a", "--env-file", path])
        self.assertExit(r, 1)
        self.assertStderrHas(r, f"--env-file {path} exists and was not written by vaultx broker")
        with open(path) as f:
            self.assertEqual(f.read(), "DATABASE_URL=postgres://keep-me\n")
        self.assertEqual(self.records("broker-start"), [], "refused before unlocking")

    def test_a_placeholder_of_another_run_is_refused_and_a_leftover_env_file_replaced(self):
        path = os.path.join(self.vx.root, "broker.env")
        first, out1 = self.start("--env-file", path)
        old = self.parse(out1)
        self.assertEqual(self.request(old)[0], 200)
        first.kill()  # SIGKILL: nothing is cleaned up
        first.communicate(timeout=10)
        self.assertTrue(os.path.exists(path))
        second, out2 = self.start("--env-file", path)
        new = self.parse(out2)
        self.assertNotEqual(new["OPENAI_API_KEY"], old["OPENAI_API_KEY"])
        with open(path) as f:
            self.assertIn(new["OPENAI_API_KEY"], f.read())
        self.assertEqual(self.request(new, placeholder=old["OPENAI_API_KEY"])[0], 401)
        self.assertEqual(self.request(new)[0], 200)
        self.assertEqual(len(self.upstream.requests), 2)
        self.assertEqual(self.stop(second)[0], 0)
        self.assertFalse(os.path.exists(path))

    def stream_then_cut(self, cut):
        path = os.path.join(self.vx.root, "broker.env")
        p, out = self.start("--env-file", path)
        env = self.parse(out)
        base = urllib.parse.urlsplit(env["OPENAI_BASE_URL"])
        result = {}
        first_chunk = threading.Event()

        def client():
            conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
            self.addCleanup(conn.close)
            conn.request("GET", base.path + "/slow", headers={"Authorization": "Bearer " + env["OPENAI_API_KEY"]})
            r = conn.getresponse()
            result["status"] = r.status
            r.readline()
            first_chunk.set()
            start = time.monotonic()
            try:
                while r.read1(1024):
                    pass
                result["end"] = "eof"
            except Exception as e:  # the cut: IncompleteRead, a reset
                result["end"] = type(e).__name__
            result["after"] = time.monotonic() - start

        t = threading.Thread(target=client, daemon=True)
        t.start()
        self.assertTrue(first_chunk.wait(20), "the stream never started")
        time.sleep(0.3)
        cut()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.fail("vaultx broker kept running after access was gone")
        err = p.stderr.read().decode(errors="replace")
        t.join(10)
        self.assertEqual(result.get("status"), 200, result)
        self.assertNotEqual(result.get("end"), "eof", "the stream was not cut")
        self.assertLess(result["after"], 5.0, result)
        self.assertEqual(p.returncode, EXIT_ACCESS_GONE, err)
        self.assertIn("access through the agent is gone", err)
        self.assertFalse(os.path.exists(path), "--env-file outlived the broker")
        stop = self.records("broker-stop")[0]
        self.assertEqual((stop["outcome"], stop["reason"], stop["status"]), ("denied", "access revoked", 3))
        self.assertTrue(any(rec["reason"].startswith("access revoked") for rec in self.records("broker")))

    def test_revoking_the_grant_ends_streams_and_the_broker(self):
        self.stream_then_cut(lambda: self.assertExit(self.vx.run(["agent", "revoke", "--all"],
                                                                 env=self.owner_env()), 0))

    def test_locking_the_agent_ends_streams_and_the_broker(self):
        self.stream_then_cut(lambda: self.assertExit(self.vx.run(["lock"], env=self.owner_env()), 0))

    def test_config_and_usage_errors(self):
        r = self.vx.run(["broker"])
        self.assertExit(r, 2)
        r = self.vx.run(["broker", "--scope", "agent-a", "--frobnicate"])
        self.assertExit(r, 2)
        with open(os.path.join(self.vx.store, "vaultx.toml"), "a") as f:
            f.write('\n[scopes.other]\nsecrets = ["gh/token"]\n')
        r = self.vx.run(["broker", "--scope", "other"])
        self.assertExit(r, 2)
        self.assertStderrHas(r, "no [broker.routes] for scope(s) other")
        r = self.vx.run(["broker", "--scope", "nosuch"])
        self.assertExit(r, 5)
        # A route secret that is not stored (the scope's glob matches nothing): a usage
        # error naming the route, before anything listens or is printed.
        with open(os.path.join(self.vx.store, "vaultx.toml")) as f:
            text = f.read()
        with open(os.path.join(self.vx.store, "vaultx.toml"), "w") as f:
            f.write(text.replace('secrets = ["openai/api-key", "gh/token"]', 'secrets = ["openai/*", "gh/token"]'))
        self.vx.ok(["rm", "openai/api-key"])
        r = self.vx.run(["broker", "--scope", "agent-a"])
        self.assertExit(r, 2)
        self.assertStderrHas(r, "route openai injects openai/api-key")
        self.assertEqual(r.stdout, b"")

    def test_a_scope_bound_to_programs_is_refused(self):
        with open(os.path.join(self.vx.store, "vaultx.toml")) as f:
            text = f.read()
        with open(os.path.join(self.vx.store, "vaultx.toml"), "w") as f:
            f.write(text.replace('secrets = ["openai/api-key", "gh/token"]',
                                 'secrets = ["openai/api-key", "gh/token"]\ncommands = ["python3"]'))
        r = self.vx.run(["broker", "--scope", "agent-a"])
        self.assertExit(r, 1)
        self.assertStderrHas(r, "scope agent-a may be given only to some programs")
        self.assertEqual(r.stdout, b"")
        rec = self.records("broker-start")[0]
        self.assertEqual(rec["outcome"], "denied")


if __name__ == "__main__":
    vxtest.main()
