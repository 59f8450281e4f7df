"""Helpers shared by the exec, env and stale end-to-end tests (stdlib only).

Builds on vxtest: a store filled once per test class (SharedStoreCase), a
vaultx.toml writer, a Python child that reports its environment to a file (so
that masking cannot touch the report), and a line reader with a deadline for
tests that talk to a running vaultx exec.
"""
import json
import os
import select
import signal
import sys
import time
import unittest

import vxtest

# The real interpreter, not a wrapper (pyenv shims cost half a second each).
PY = sys.executable
# Children run Python with -S (no site import): a third of the start-up time.
PY_FAST = (PY, "-S")

# Writes the child's initial environment, exactly as execve gave it, to argv[1].
REPORT_ENV = "import sys\nopen(sys.argv[1], 'wb').write(open('/proc/self/environ', 'rb').read())\n"

# Signals a test may send; a vaultx started from a shell without job control
# inherits SIGINT and SIGQUIT ignored, and an ignored signal never reaches a
# signalfd, so every test process gets the default dispositions back.
_RESET_SIGNALS = (signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGTERM, signal.SIGUSR1, signal.SIGUSR2)


def default_signals():
    for sig in _RESET_SIGNALS:
        signal.signal(sig, signal.SIG_DFL)


def parse_environ(data):
    """{name: value} (bytes) of a /proc/PID/environ dump."""
    out = {}
    for entry in data.split(b"\0"):
        if entry:
            name, _, value = entry.partition(b"=")
            out[name] = value
    return out


def write_config(vx, text):
    with open(os.path.join(vx.store, "vaultx.toml"), "w") as f:
        f.write(text)


def config_path(vx):
    return os.path.join(vx.store, "vaultx.toml")


def audit_records(vx, env=None):
    out = vx.ok(["audit", "--json"], env=env).stdout.decode()
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def process_gone(pid):
    """True once PID no longer runs (absent, or a zombie nobody has reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def wait_gone(pid, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process_gone(pid):
            return True
        time.sleep(0.02)
    return False


class LineReader:
    """Reads lines from a file descriptor with a deadline (never blocks forever)."""

    def __init__(self, fd):
        self.fd = fd
        self.buffer = b""
        self.eof = False

    def line(self, timeout=15):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or self.eof:
                raise AssertionError(f"no complete line within {timeout} s; have {self.buffer!r}")
            if select.select([self.fd], [], [], left)[0]:
                chunk = os.read(self.fd, 4096)
                if not chunk:
                    self.eof = True
                self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line

    def rest(self, timeout=15):
        """Everything until EOF."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no EOF within {timeout} s; have {self.buffer!r}")
            if select.select([self.fd], [], [], left)[0]:
                chunk = os.read(self.fd, 65536)
                self.eof = not chunk
                self.buffer += chunk
        out, self.buffer = self.buffer, b""
        return out


class SharedStoreCase(vxtest.VxTestCase):
    """One store per class, made in setUpClass from SECRETS ({name: bytes}) and
    CONFIG (vaultx.toml text). Tests must not change the store; they may add
    files under self.vx.root."""

    SECRETS = {}
    CONFIG = ""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vx = vxtest.Vx()
        cls.addClassCleanup(cls.vx.cleanup)
        cls.vx.init()
        for name, value in cls.SECRETS.items():
            cls.vx.set(name, value)
        write_config(cls.vx, cls.CONFIG)

    def setUp(self):  # the class's store, not a fresh one per test
        pass

    def exec_env(self, scopes, *extra, env=None, mask=None):
        """Runs a Python child under `vaultx exec` that reports its environment;
        returns ({name: value} as str, Result)."""
        report = os.path.join(self.vx.root, f"environ-{time.monotonic_ns()}")
        args = ["exec"]
        for s in scopes:
            args += ["--scope", s]
        if mask:
            args += ["--mask", mask]
        r = self.vx.run([*args, *extra, "--", *PY_FAST, "-c", REPORT_ENV, report], env=env)
        self.assertExit(r, 0)
        with open(report, "rb") as f:
            reported = parse_environ(f.read())
        os.unlink(report)
        return {k.decode(): v.decode(errors="surrogateescape") for k, v in reported.items()}, r


def main():
    unittest.main(verbosity=2)
