"""vaultx exec exit statuses, as env(1): the child's code; 128+N when the
child dies of signal N; 125 when vaultx fails before the child runs (and the
message says why); 126 found but not executable; 127 not found."""
import json
import os
import signal
import unittest

import exectest
from exectest import PY_FAST

SECRETS = {
    "app/token": b"app-token-value-1234abcd",
    "bin/blob": b"nulpart\0value-with-nul",
    "ld/preload": b"/nonexistent/vaultx-e2e-preload.so",
}

CONFIG = """
[scopes.app]
secrets = ["app/*"]

[scopes.binary]
secrets = ["app/token", "bin/blob"]

[scopes.loader]
secrets = ["ld/*"]

[scopes.loader-allowed]
secrets = ["ld/*"]
allow_env = ["LD_PRELOAD"]
"""


class ExitStatus(exectest.SharedStoreCase):
    SECRETS = SECRETS
    CONFIG = CONFIG

    def exec(self, *command, scope="app", mask=None, env=None):
        args = ["exec", "--scope", scope, *(["--mask", mask] if mask else []), "--", *command]
        return self.vx.run(args, env=env)

    # -- the child's own status

    def test_child_exit_codes_pass_through(self):
        for code in (0, 1, 3, 42, 124, 125, 126, 127, 200, 255):
            for mask in ("auto", "never"):
                with self.subTest(code=code, mask=mask):
                    r = self.exec(*PY_FAST, "-c", f"import sys; sys.exit({code})", mask=mask)
                    self.assertExit(r, code)
                    self.assertEqual(r.stderr, b"", "vaultx has nothing to say about a child's own status")

    def test_death_by_signal_is_128_plus_n(self):
        for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGSEGV, signal.SIGABRT, signal.SIGUSR1):
            with self.subTest(signal=sig.name):
                r = self.exec(*PY_FAST, "-c", f"import os; os.kill(os.getpid(), {int(sig)})")
                self.assertExit(r, 128 + int(sig))

    def test_death_by_signal_with_vaultx_replaced_is_the_signal_itself(self):
        r = self.exec(*PY_FAST, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGTERM)", mask="never")
        self.assertEqual(r.returncode, -signal.SIGTERM, r.describe())

    # -- arguments

    ARGV_REPORT = "import json, sys\nsys.stdout.write(json.dumps(sys.argv[1:]))"

    def argv_seen_by_child(self, *args):
        r = self.exec(*PY_FAST, "-c", self.ARGV_REPORT, *args)
        self.assertExit(r, 0)
        return json.loads(r.stdout)

    def test_arguments_reach_the_child_verbatim(self):
        args = ["--scope", "other", "-s", "--mask=never", "--", "--help", "", " spaced  ", "a=b", "x,y", "{\"k\": 1}",
                "\u00fcnic\u00f6de", "-", "[", "]"]
        self.assertEqual(self.argv_seen_by_child(*args), args)

    def test_arguments_in_brackets_reach_the_child_verbatim(self):
        # CLI11 (2.1.2) would read an argument of the form [a,b] as a list; the
        # words after -- bypass it.
        args = ["[1,2]", "[x]", "[]", '["a","b"]']
        self.assertEqual(self.argv_seen_by_child(*args), args)

    # -- 126 and 127

    def test_not_found_is_127(self):
        for mask in ("auto", "never"):
            for command in ("vaultx-e2e-no-such-command", os.path.join(self.vx.root, "no-such-file")):
                with self.subTest(command=command, mask=mask):
                    r = self.exec(command, mask=mask)
                    self.assertExit(r, 127)
                    self.assertStderrHas(r, command)

    def test_not_executable_is_126(self):
        plain = os.path.join(self.vx.root, "not-executable.sh")
        with open(plain, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(plain, 0o644)
        for mask in ("auto", "never"):
            for command in (plain, self.vx.root):  # a file without x, a directory
                with self.subTest(command=command, mask=mask):
                    r = self.exec(command, mask=mask)
                    self.assertExit(r, 126)
                    self.assertStderrHas(r, command)

    def test_exec_format_error_is_126(self):
        junk = os.path.join(self.vx.root, "junk.bin")
        with open(junk, "wb") as f:
            f.write(b"\x7fELF not really an executable")
        os.chmod(junk, 0o755)
        for mask in ("auto", "never"):
            with self.subTest(mask=mask):
                self.assertExit(self.exec(junk, mask=mask), 126)

    # -- 125: vaultx failed before the child

    def assertRefused(self, r, *needles):
        self.assertExit(r, 125)
        self.assertStderrHas(r, *needles)
        self.assertEqual(r.stdout, b"", "the child must not have run")

    def marker_command(self):
        """A child that would leave a file behind if it ran."""
        marker = os.path.join(self.vx.root, "child-ran")
        self.addCleanup(lambda: os.path.exists(marker) and os.unlink(marker))
        return marker, (*PY_FAST, "-c", f"open({marker!r}, 'w').write('ran')")

    def test_unknown_scope_is_125_and_named(self):
        marker, command = self.marker_command()
        r = self.exec(*command, scope="no-such-scope")
        self.assertRefused(r, "no-such-scope", "app")  # the hint lists the defined scopes
        self.assertFalse(os.path.exists(marker))

    def test_wrong_passphrase_is_125(self):
        marker, command = self.marker_command()
        r = self.exec(*command, env={"VAULTX_PASSPHRASE": "not the passphrase"})
        self.assertRefused(r, "passphrase")
        self.assertFalse(os.path.exists(marker))

    def test_no_passphrase_source_is_125(self):
        marker, command = self.marker_command()
        r = self.exec(*command, env={"VAULTX_PASSPHRASE": None})
        self.assertExit(r, 125)
        self.assertFalse(os.path.exists(marker))

    def test_value_with_a_nul_byte_is_125_naming_the_secret(self):
        marker, command = self.marker_command()
        r = self.exec(*command, scope="binary")
        self.assertRefused(r, "'bin/blob'", "NUL")
        self.assertNotLeaked(r, b"nulpart", b"value-with-nul", SECRETS["app/token"])
        self.assertFalse(os.path.exists(marker))

    def test_refused_variable_is_125_unless_allowed(self):
        marker, command = self.marker_command()
        r = self.exec(*command, scope="loader")
        self.assertRefused(r, "LD_PRELOAD", "allow_env", "ld/preload", exectest.config_path(self.vx))
        self.assertFalse(os.path.exists(marker))
        env, _ = self.exec_env(["loader-allowed"])
        self.assertEqual(env["LD_PRELOAD"], SECRETS["ld/preload"].decode())


class BadConfig(exectest.SharedStoreCase):
    SECRETS = {"app/token": b"app-token-value-1234abcd"}
    CONFIG = '[scopes.app]\nsecrets = ["app/*"]\n\n[scopes.typo]\nsecret = ["app/token"]\n'

    def test_bad_config_is_125_with_file_and_line(self):
        marker = os.path.join(self.vx.root, "child-ran")
        r = self.vx.run(["exec", "--scope", "app", "--", *PY_FAST, "-c", f"open({marker!r}, 'w')"])
        self.assertExit(r, 125)
        self.assertStderrHas(r, exectest.config_path(self.vx) + ":5", "secret")
        self.assertFalse(os.path.exists(marker))

    def test_env_reports_the_same_config_error_with_exit_2(self):
        r = self.vx.run(["env", "--scope", "app"])
        self.assertExit(r, 2)
        self.assertStderrHas(r, exectest.config_path(self.vx) + ":5")
        self.assertEqual(r.stdout, b"")


if __name__ == "__main__":
    exectest.main()
