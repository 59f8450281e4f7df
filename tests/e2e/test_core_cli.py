"""The command line itself: help, --version, unknown commands and options."""
import re

import vxtest

CORE_COMMANDS = ["init", "set", "get", "ls", "rm", "mv", "rotate", "passwd", "help"]


class CliTests(vxtest.VxTestCase):
    def test_version(self):
        r = self.vx.ok(["--version"])
        self.assertRegex(r.stdout.decode(), r"^vaultx \d+\.\d+\.\d+\S*\n$")
        self.assertEqual(r.stderr, b"")
        verbose = self.vx.ok(["--version", "--verbose"]).stdout.decode()
        self.assertTrue(verbose.startswith(r.stdout.decode()))
        for lib in ("libsodium", "argon2"):
            self.assertIn(lib, verbose)

    def test_help_lists_every_core_command(self):
        for args in (["help"], ["--help"], ["-h"]):
            with self.subTest(args=args):
                r = self.vx.ok(args)
                listed = set(re.findall(r"^\s+([a-z]+)[,\s]", r.stdout.decode(), re.M))
                for cmd in CORE_COMMANDS:
                    self.assertIn(cmd, listed, f"'vaultx {' '.join(args)}' does not list {cmd}: {r.stdout.decode()}")
                self.assertIn(b"--store", r.stdout)

    def test_help_for_one_command(self):
        for cmd, option in (("set", "--generate"), ("get", "--raw"), ("ls", "--json"), ("init", "--kdf-memory"),
                            ("passwd", "--kdf-memory"), ("rotate", "--generate"), ("mv", "--force")):
            for args in (["help", cmd], [cmd, "--help"]):
                with self.subTest(args=args):
                    r = self.vx.ok(args)
                    out = r.stdout.decode()
                    self.assertIn(option, out)
                    self.assertRegex(out, rf"vaultx {cmd}\b", "usage should say how to run it")

    def test_help_needs_no_store_or_passphrase(self):
        r = self.vx.ok(["help", "get"], env={"VAULTX_PASSPHRASE": None, "VAULTX_STORE": "/nonexistent/x"})
        self.assertIn(b"--raw", r.stdout)

    def test_help_for_an_unknown_command_exits_2(self):
        r = self.vx.run(["help", "frobnicate"])
        self.assertExit(r, 2)
        self.assertStderrHas(r, "frobnicate", "vaultx help")

    def test_no_command_exits_2_with_usage(self):
        r = self.vx.run([])
        self.assertExit(r, 2)
        self.assertEqual(r.stdout, b"")
        self.assertIn(b"get", r.stderr)

    def test_unknown_command_exits_2_naming_it(self):
        for args in (["frobnicate"], ["frobnicate", "--help"], ["frobnicate", "-h"]):
            with self.subTest(args=args):
                r = self.vx.run(args)
                self.assertExit(r, 2)
                self.assertEqual(r.stdout, b"")
                self.assertStderrHas(r, "unknown command", "'frobnicate'", "vaultx help")

    def test_unknown_option_exits_2_naming_it(self):
        for args in (["--bogus-option"], ["get", "--bogus-option", "k"], ["ls", "--bogus-option"],
                     ["set", "k", "--bogus-option"], ["init", "--bogus-option"]):
            with self.subTest(args=args):
                r = self.vx.run(args, input=b"v")
                self.assertExit(r, 2)
                self.assertEqual(r.stdout, b"")
                self.assertStderrHas(r, "--bogus-option", "--help")
                self.assertNotIn(b"unknown command", r.stderr)

    def test_unknown_option_value_is_not_echoed(self):
        r = self.vx.run(["set", "k", "--password=hunter2-secret-value"], input=b"v")
        self.assertExit(r, 2)
        self.assertStderrHas(r, "--password")
        self.assertNotIn(b"hunter2-secret-value", r.stderr)

    def test_missing_option_value_exits_2(self):
        for args in (["set", "k", "--expires"], ["init", "--kdf-memory"], ["--store"]):
            with self.subTest(args=args):
                r = self.vx.run(args, input=b"v")
                self.assertExit(r, 2)
                self.assertStderrHas(r, args[-1])

    def test_missing_name_exits_2(self):
        for cmd in ("get", "set", "rm", "rotate", "mv"):
            with self.subTest(cmd=cmd):
                r = self.vx.run([cmd], input=b"v")
                self.assertExit(r, 2)
                self.assertStderrHas(r, "NAME" if cmd != "mv" else "OLD")

    def test_errors_use_the_vaultx_prefix(self):
        for args in (["frobnicate"], ["get", "../x"], ["get", "k"]):
            with self.subTest(args=args):
                r = self.vx.run(args)
                self.assertNotEqual(r.returncode, 0)
                self.assertTrue(r.stderr.startswith(b"vaultx: error: "), r.describe())
                self.assertIn(b"vaultx: hint: ", r.stderr)


if __name__ == "__main__":
    vxtest.main()
