"""Shared helper for the vaultx end-to-end tests (Python 3 stdlib only).

Each test gets a throwaway root under a temp dir holding the store, the state
dir and a HOME, and runs the real binary (VAULTX_BIN) in a clean environment:
PATH, HOME, LANG and the VAULTX_* variables the test asks for, nothing else.
Every child runs in a new session, so it has no controlling terminal unless a
test gives it one (see tests that use the pty module).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

PASSPHRASE = "correct horse battery staple"
# The floor of DESIGN.md: fast enough for tests; the default is m=64M t=3 p=4.
CHEAP_KDF = ("--kdf-memory", "8M", "--kdf-time", "1", "--kdf-parallelism", "1")


def binary():
    path = os.environ.get("VAULTX_BIN")
    if not path:
        sys.exit("VAULTX_BIN is not set: point it at the built vaultx binary")
    return os.path.abspath(path)


class Result:
    """What one run produced. stdout and stderr are bytes."""

    def __init__(self, args, returncode, stdout, stderr):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr

    def describe(self):
        err = self.stderr.decode(errors="replace")
        return f"vaultx {' '.join(map(repr, self.args))} exited {self.returncode}; stderr: {err[:600]!r}"


class Vx:
    """A throwaway store, state dir and home, and a way to run vaultx on them."""

    def __init__(self, passphrase=PASSPHRASE):
        self.bin = binary()
        self.root = tempfile.mkdtemp(prefix="vx-e2e-")
        self.store = os.path.join(self.root, "store")
        self.state = os.path.join(self.root, "state")
        self.home = os.path.join(self.root, "home")
        os.makedirs(self.home)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.home,
            "LANG": "C.UTF-8",
            "VAULTX_STORE": self.store,
            "VAULTX_STATE_DIR": self.state,
        }
        if passphrase is not None:
            self.env["VAULTX_PASSPHRASE"] = passphrase

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def environment(self, env=None):
        """The base environment with `env` applied; a value of None removes the variable."""
        out = dict(self.env)
        for key, value in (env or {}).items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = value
        return out

    def run(self, args, input=b"", env=None, timeout=60, **popen):
        """Runs vaultx ARGS to completion; `input` goes to stdin (bytes or str)."""
        if isinstance(input, str):
            input = input.encode()
        args = list(args)
        p = subprocess.run([self.bin, *args], input=input, env=self.environment(env), cwd=self.root,
                           capture_output=True, timeout=timeout, start_new_session=True, **popen)
        return Result(args, p.returncode, p.stdout, p.stderr)

    def spawn(self, args, env=None, **popen):
        """Starts vaultx ARGS without waiting, stdin/stdout/stderr piped unless overridden."""
        for stream in ("stdin", "stdout", "stderr"):
            popen.setdefault(stream, subprocess.PIPE)
        return subprocess.Popen([self.bin, *args], env=self.environment(env), cwd=self.root,
                                start_new_session=True, **popen)

    def ok(self, args, **kw):
        r = self.run(args, **kw)
        if r.returncode != 0:
            raise AssertionError(r.describe())
        return r

    # -- common steps

    def init(self, *extra, **kw):
        """init with the cheap KDF (unless `extra` overrides it)."""
        return self.ok(["init", *CHEAP_KDF, *extra], **kw)

    def set(self, name, value, *extra, raw=True, **kw):
        return self.ok(["set", *(["--raw"] if raw else []), *extra, name], input=value, **kw)

    def get(self, name, raw=True, **kw):
        return self.ok(["get", *(["--raw"] if raw else []), name], **kw).stdout

    # -- looking at the store on disk

    def files(self, top=None):
        """Every file under `top` (default: the whole root), as absolute paths."""
        out = []
        for d, _, names in os.walk(top or self.root):
            out += [os.path.join(d, n) for n in names]
        return sorted(out)

    def secrets_dir(self):
        return os.path.join(self.store, "secrets")

    def secret_files(self):
        d = self.secrets_dir()
        return sorted(os.path.join(d, n) for n in os.listdir(d) if n.endswith(".secret"))

    def key_file(self):
        return os.path.join(self.store, "keys", "passphrase.key")

    def snapshot(self, top=None):
        """{path: bytes} of every file under `top` (default: the store)."""
        result = {}
        for p in self.files(top or self.store):
            with open(p, "rb") as f:
                result[p] = f.read()
        return result

    def new_secret_file(self, fn):
        """Calls fn() and returns the one secret file it created."""
        before = set(self.secret_files())
        fn()
        created = sorted(set(self.secret_files()) - before)
        if len(created) != 1:
            raise AssertionError(f"expected one new secret file, got {created}")
        return created[0]


class VxTestCase(unittest.TestCase):
    """A TestCase with a fresh Vx in self.vx for every test."""

    maxDiff = 4000

    def setUp(self):
        self.vx = Vx()
        self.addCleanup(self.vx.cleanup)

    def assertExit(self, result, code, msg=""):
        self.assertEqual(result.returncode, code, (msg + ": " if msg else "") + result.describe())

    def assertStderrHas(self, result, *needles):
        err = result.stderr.decode(errors="replace")
        for n in needles:
            self.assertIn(n, err, result.describe())

    def assertNotLeaked(self, result, *secrets):
        """None of `secrets` (str or bytes) appears in stdout or stderr."""
        for s in secrets:
            b = s.encode() if isinstance(s, str) else s
            self.assertNotIn(b, result.stderr, f"{b!r} leaked into stderr: {result.describe()}")
            self.assertNotIn(b, result.stdout, f"{b!r} leaked into stdout")


def main():
    unittest.main(verbosity=2)
