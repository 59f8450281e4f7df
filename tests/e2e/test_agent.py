"""End-to-end tests of the agent (issue 7): real daemons, real clients.

Each test starts its own agent on a private XDG_RUNTIME_DIR, and kills it (and
checks it is gone) when it ends, whatever happened.
"""
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import threading
import time

import vxtest
from vxtest import PASSPHRASE, VxTestCase

CONFIG = """\
[scopes.A]
secrets = ["a/*"]

[scopes.B]
secrets = ["b/*"]
"""


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes (its parent, the test runner, has not reaped it).
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class AgentTestCase(VxTestCase):
    def setUp(self):
        super().setUp()
        self.vx.init()
        self.vx.set("a/one", "value-of-a")
        self.vx.set("b/two", "value-of-b")
        with open(os.path.join(self.vx.store, "vaultx.toml"), "w") as f:
            f.write(CONFIG)
        self.runtime = os.path.join(self.vx.root, "run")
        os.mkdir(self.runtime, 0o700)
        self.agent_env = {}

    def start_agent(self, *options):
        r = self.vx.run(["agent", "start", *options], env={"XDG_RUNTIME_DIR": self.runtime, "VAULTX_PASSPHRASE": None})
        self.assertExit(r, 0)
        out = r.stdout.decode()
        for line in out.splitlines():
            m = re.match(r"(VAULTX_AGENT_[A-Z]+)=('?)([^';]*)\2; export \1;$", line)
            self.assertIsNotNone(m, f"not a line for eval: {line!r}")
            self.agent_env[m.group(1)] = m.group(3)
        self.assertIn("VAULTX_AGENT_SOCK", self.agent_env)
        self.assertIn("VAULTX_AGENT_TOKEN", self.agent_env)
        self.pid = int(self.agent_env["VAULTX_AGENT_PID"])
        self.addCleanup(self.kill_agent)
        return out

    def kill_agent(self):
        if pid_alive(self.pid):
            os.kill(self.pid, signal.SIGTERM)
        for _ in range(100):
            if not pid_alive(self.pid):
                break
            time.sleep(0.05)
        self.assertFalse(pid_alive(self.pid), "the agent outlived its test")

    def env(self, **extra):
        """Through the agent only: no passphrase source."""
        env = dict(self.agent_env, VAULTX_PASSPHRASE=None)
        env.update(extra)
        return env

    def ask(self, *args, **kw):
        env = kw.pop("env", None) or self.env()
        return self.vx.run(list(args), env=env, **kw)

    def unlock(self):
        self.assertExit(self.vx.run(["unlock"], env=self.env(VAULTX_PASSPHRASE=PASSPHRASE)), 0)

    def grant(self, *options):
        r = self.vx.run(["agent", "grant", *options], env=self.env())
        self.assertExit(r, 0)
        token = r.stdout.decode().strip()
        self.assertRegex(token, r"^vxtok1_[A-Za-z0-9_-]{43}$")
        m = re.search(r"tok-[0-9a-f]{12}", r.stderr.decode())
        self.assertIsNotNone(m, r.describe())
        return token, m.group(0)

    def audit(self):
        r = self.vx.run(["audit", "--json"])
        self.assertExit(r, 0)
        return [json.loads(line) for line in r.stdout.decode().splitlines()]

    def assertAudited(self, op, outcome, reason=None, **fields):
        for rec in self.audit():
            if rec["op"] != op or rec["outcome"] != outcome:
                continue
            if reason is not None and rec.get("reason") != reason:
                continue
            if all(rec.get(k) == v for k, v in fields.items()):
                return rec
        self.fail(f"no audit record op={op} outcome={outcome} reason={reason} {fields}: {self.audit()}")


class StartStopTest(AgentTestCase):
    def test_socket_is_private_and_agent_is_hardened(self):
        out = self.start_agent()
        sock = self.agent_env["VAULTX_AGENT_SOCK"]
        self.assertTrue(sock.startswith(os.path.join(self.runtime, "vaultx") + "/"), out)
        st = os.lstat(sock)
        self.assertTrue(stat.S_ISSOCK(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(sock)).st_mode), 0o700)
        with open(f"/proc/{self.pid}/status") as f:
            status = f.read()
        # Not dumpable: /proc/PID/environ and /proc/PID/mem belong to root then.
        self.assertEqual(os.stat(f"/proc/{self.pid}/mem").st_uid, 0)
        self.assertIn("State:", status)

    def test_stop_removes_socket_and_process(self):
        self.start_agent()
        sock = self.agent_env["VAULTX_AGENT_SOCK"]
        r = self.ask("agent", "stop")
        self.assertExit(r, 0)
        for _ in range(100):
            if not pid_alive(self.pid):
                break
            time.sleep(0.05)
        self.assertFalse(pid_alive(self.pid))
        self.assertFalse(os.path.exists(sock))
        self.assertAudited("agent-stop", "ok")

    def test_status(self):
        self.start_agent("--timeout", "10m", "--max-lifetime", "1h")
        r = self.ask("agent", "status", "--json")
        self.assertExit(r, 0)
        st = json.loads(r.stdout)
        self.assertEqual(st["state"], "locked")
        self.unlock()
        self.grant("--scope", "A", "--uses", "3")
        st = json.loads(self.ask("agent", "status", "--json").stdout)
        self.assertEqual(st["state"], "unlocked")
        self.assertLessEqual(st["idle_left"], 600)
        self.assertLessEqual(st["lifetime_left"], 3600)
        self.assertEqual(len(st["grants"]), 1)
        self.assertEqual(st["grants"][0]["scopes"], ["A"])
        self.assertEqual(st["grants"][0]["uses_left"], 3)


class UnlockLockTest(AgentTestCase):
    def test_unlock_once_then_many_reads_then_lock(self):
        self.start_agent()
        self.assertExit(self.ask("get", "a/one"), 3, "a locked agent and no passphrase")
        self.unlock()
        for _ in range(10):
            r = self.ask("get", "a/one")
            self.assertExit(r, 0)
            self.assertEqual(r.stdout, b"value-of-a\n")
        self.assertEqual(self.ask("ls").stdout, b"a/one\nb/two\n")
        self.assertExit(self.ask("set", "b/three", input=b"three\n"), 0)
        self.assertExit(self.ask("rotate", "b/three", input=b"four\n"), 0)
        self.assertEqual(self.ask("get", "b/three").stdout, b"four\n")
        r = self.ask("exec", "--scope", "A", "--mask", "never", "--", "printenv", "A_ONE")
        self.assertExit(r, 0)
        self.assertEqual(r.stdout, b"value-of-a\n")
        r = self.ask("env", "--scope", "B", "--format", "dotenv")
        self.assertExit(r, 0)
        self.assertIn(b"B_TWO=", r.stdout)
        self.assertExit(self.ask("lock"), 0)
        r = self.ask("get", "a/one")
        self.assertExit(r, 3, "after lock")
        self.assertStderrHas(r, "agent locked")
        # The other sources still work while the agent is locked.
        r = self.ask("get", "a/one", env=self.env(VAULTX_PASSPHRASE=PASSPHRASE))
        self.assertExit(r, 0)
        self.assertAudited("agent-unlock", "ok")
        self.assertAudited("agent-lock", "ok", "requested")
        # audit verify skips the agent (it never gives out a key) and checks with the passphrase.
        self.assertExit(self.vx.run(["audit", "verify"], env=self.env(VAULTX_PASSPHRASE=PASSPHRASE)), 0)

    def test_wrong_passphrase_is_refused_and_audited(self):
        self.start_agent()
        r = self.vx.run(["unlock"], env=self.env(VAULTX_PASSPHRASE="wrong"))
        self.assertExit(r, 3)
        self.assertAudited("agent-unlock", "failed", "wrong passphrase")

    def test_idle_timeout_locks(self):
        self.start_agent("--timeout", "2s")
        self.unlock()
        self.assertExit(self.ask("get", "a/one"), 0)
        time.sleep(3)
        self.assertExit(self.ask("get", "a/one"), 3, "after the idle timeout")
        self.assertAudited("agent-lock", "ok", "idle timeout")

    def test_max_lifetime_locks_even_when_busy(self):
        self.start_agent("--timeout", "1h", "--max-lifetime", "3s")
        self.unlock()
        deadline = time.time() + 6
        while time.time() < deadline:
            if self.ask("get", "a/one").returncode == 3:
                break
            time.sleep(0.5)
        self.assertExit(self.ask("get", "a/one"), 3)
        self.assertAudited("agent-lock", "ok", "max lifetime")

    def test_absent_agent_falls_back(self):
        env = self.env(VAULTX_AGENT_SOCK=os.path.join(self.runtime, "nothing.sock"), VAULTX_PASSPHRASE=PASSPHRASE)
        r = self.ask("get", "a/one", env=env)
        self.assertExit(r, 0)
        self.assertEqual(r.stdout, b"value-of-a\n")

    def test_agent_variables_never_reach_the_child(self):
        self.start_agent()
        self.unlock()
        r = self.ask("exec", "--scope", "A", "--", "env")
        self.assertExit(r, 0)
        self.assertNotIn(b"VAULTX_", r.stdout)


class TokenTest(AgentTestCase):
    def setUp(self):
        super().setUp()
        self.start_agent()
        self.unlock()

    def test_token_reads_only_its_scope(self):
        token, tid = self.grant("--scope", "A")
        env = self.env(VAULTX_AGENT_TOKEN=token)
        r = self.ask("get", "a/one", env=env)
        self.assertExit(r, 0)
        self.assertEqual(r.stdout, b"value-of-a\n")
        r = self.ask("exec", "--scope", "A", "--mask", "never", "--", "printenv", "A_ONE", env=env)
        self.assertExit(r, 0)
        r = self.ask("get", "b/two", env=env)
        self.assertExit(r, 1, "a token for scope A reading scope B")
        self.assertNotLeaked(r, "value-of-b")
        self.assertStderrHas(r, tid)
        r = self.ask("env", "--scope", "B", env=env)
        self.assertExit(r, 1)
        self.assertNotLeaked(r, "value-of-b")
        for args in (["ls"], ["set", "a/x"], ["agent", "grant", "--scope", "B"], ["unlock"], ["agent", "stop"]):
            r = self.ask(*args, env=env, input=b"v\n")
            self.assertNotEqual(r.returncode, 0, f"a scoped token may not {args}")
        self.assertAudited("agent-grant", "ok", command=tid, scopes=["A"])
        self.assertAudited("agent-read", "ok", command=tid, names=["a/one"])
        self.assertAudited("agent-read", "denied", "scope", command=tid, names=["b/two"])
        self.assertTrue(pid_alive(self.pid), "a scoped token stopped the agent")

    def test_revoke_takes_effect_on_the_next_request(self):
        token, tid = self.grant("--scope", "A")
        env = self.env(VAULTX_AGENT_TOKEN=token)
        self.assertExit(self.ask("get", "a/one", env=env), 0)
        self.assertExit(self.ask("agent", "revoke", tid), 0)
        r = self.ask("get", "a/one", env=env)
        self.assertExit(r, 1)
        self.assertStderrHas(r, "revoked")
        self.assertAudited("agent-revoke", "ok", command=tid)
        self.assertAudited("agent-read", "denied", "revoked", command=tid)

    def test_revoke_by_token_on_stdin_and_all(self):
        t1, _ = self.grant("--scope", "A")
        t2, _ = self.grant("--scope", "B")
        self.assertExit(self.ask("agent", "revoke", "-", input=(t1 + "\n").encode()), 0)
        self.assertExit(self.ask("get", "a/one", env=self.env(VAULTX_AGENT_TOKEN=t1)), 1)
        self.assertExit(self.ask("get", "b/two", env=self.env(VAULTX_AGENT_TOKEN=t2)), 0)
        self.assertExit(self.ask("agent", "revoke", "--all"), 0)
        self.assertExit(self.ask("get", "b/two", env=self.env(VAULTX_AGENT_TOKEN=t2)), 1)
        self.assertAudited("agent-revoke", "ok", command="all")

    def test_uses_are_enforced(self):
        token, tid = self.grant("--scope", "A", "--uses", "2")
        env = self.env(VAULTX_AGENT_TOKEN=token)
        self.assertExit(self.ask("get", "a/one", env=env), 0)
        self.assertExit(self.ask("get", "a/one", env=env), 0)
        self.assertExit(self.ask("get", "a/one", env=env), 1)
        self.assertAudited("agent-read", "denied", "uses exhausted", command=tid)

    def test_rate_of_5_per_minute_refuses_the_6th(self):
        token, tid = self.grant("--scope", "A", "--rate", "5/min")
        env = self.env(VAULTX_AGENT_TOKEN=token)
        for i in range(5):
            self.assertExit(self.ask("get", "a/one", env=env), 0, f"read {i + 1}")
        r = self.ask("get", "a/one", env=env)
        self.assertExit(r, 1, "the 6th read within a minute")
        self.assertStderrHas(r, "rate")
        self.assertAudited("agent-read", "denied", "rate limit", command=tid)

    def test_ttl_expires(self):
        token, tid = self.grant("--scope", "A", "--ttl", "1s")
        env = self.env(VAULTX_AGENT_TOKEN=token)
        time.sleep(1.5)
        r = self.ask("get", "a/one", env=env)
        self.assertExit(r, 1)
        self.assertAudited("agent-read", "denied", "expired", command=tid)

    def test_unknown_scope_is_not_granted(self):
        r = self.ask("agent", "grant", "--scope", "nope")
        self.assertExit(r, 5)


class OtherUserTest(AgentTestCase):
    def setUp(self):
        super().setUp()
        if os.geteuid() != 0 or shutil.which("setpriv") is None:
            self.skipTest("needs root and setpriv to run a client as another uid")

    def as_nobody(self, *args):
        env = self.vx.environment(self.env())
        return subprocess.run(["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups",
                               self.vx.bin, *args], env=env, cwd="/", capture_output=True, timeout=30,
                              start_new_session=True)

    def test_other_uid_is_refused_and_audited(self):
        self.start_agent()
        self.unlock()
        sock = self.agent_env["VAULTX_AGENT_SOCK"]
        # As shipped, another user cannot even reach the socket.
        r = self.as_nobody("get", "a/one")
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn(b"value-of-a", r.stdout)
        # Loosen every permission on the way: SO_PEERCRED still refuses.
        for path in (self.vx.root, self.runtime, os.path.dirname(sock)):
            os.chmod(path, 0o711)
        os.chmod(sock, 0o777)
        r = self.as_nobody("agent", "status")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(b"is refused", r.stderr)
        r = self.as_nobody("get", "a/one")
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn(b"value-of-a", r.stdout)
        rec = self.assertAudited("agent-refuse", "denied", "other user")
        self.assertNotEqual(rec["uid"], 0)
        self.assertTrue(pid_alive(self.pid))


class WatchTest(AgentTestCase):
    """exec --watch: a rotation reaches the running command within 2 seconds."""

    def watch(self, args, env):
        p = self.vx.spawn(["exec", "--scope", "A", "--watch", "--mask", "never", *args], env=env,
                          stdin=subprocess.DEVNULL)
        lines = []

        def reader():
            for line in p.stdout:
                lines.append(line.decode().rstrip("\n"))

        t = threading.Thread(target=reader, daemon=True)
        t.start()

        def stop():
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
            t.join(timeout=5)
            p.stdout.close()
            p.stderr.close()
        self.addCleanup(stop)
        return p, lines

    def wait_for(self, lines, text, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if text in lines:
                return True
            time.sleep(0.02)
        return text in lines

    def test_restart_with_the_new_value_through_the_agent(self):
        self.start_agent()
        self.unlock()
        script = 'echo "A_ONE=$A_ONE"; while :; do sleep 0.1; done'
        p, lines = self.watch(["--", "sh", "-c", script], self.env())
        self.assertTrue(self.wait_for(lines, "A_ONE=value-of-a", 5), lines)
        self.assertExit(self.ask("rotate", "a/one", input=b"rotated-value\n"), 0)
        started = time.time()
        self.assertTrue(self.wait_for(lines, "A_ONE=rotated-value", 2), f"no new value within 2 s: {lines}")
        self.elapsed = time.time() - started
        self.assertIsNone(p.poll())
        self.assertAudited("exec-watch", "ok", "restart", names=["a/one"])

    def test_signal_with_the_passphrase(self):
        script = 'trap "echo got-hup" HUP; echo ready; while :; do sleep 0.1; done'
        p, lines = self.watch(["--on-rotate", "signal:HUP", "--", "sh", "-c", script], {})
        self.assertTrue(self.wait_for(lines, "ready", 5), lines)
        self.vx.ok(["rotate", "a/one"], input=b"another\n")
        self.assertTrue(self.wait_for(lines, "got-hup", 2), f"no SIGHUP within 2 s: {lines}")
        self.assertIsNone(p.poll())
        self.assertAudited("exec-watch", "ok", "signal HUP", names=["a/one"])

    def test_on_rotate_is_checked(self):
        self.assertExit(self.vx.run(["exec", "--scope", "A", "--watch", "--on-rotate", "signal:KILLALL", "--",
                                     "true"]), 125)
        self.assertExit(self.vx.run(["exec", "--scope", "A", "--on-rotate", "signal:HUP", "--", "true"]), 125)


if __name__ == "__main__":
    vxtest.main()
