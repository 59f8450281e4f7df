"""passwd: rewraps the master key only; KDF parameters can change with it."""
import os
import unittest

import vxtest

NEW = "new passphrase for the store 8841"
VALUES = {"p/one": b"passwd-value-one", "p/two": bytes(range(256))}


def kdf_line(vx):
    with open(vx.key_file(), "rb") as f:
        return [line for line in f.read().decode().splitlines() if line.startswith("kdf ")][0]


class PasswdTests(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        self.vx.init()
        for name, value in VALUES.items():
            self.vx.set(name, value)

    def secrets_snapshot(self):
        return self.vx.snapshot(self.vx.secrets_dir())

    def assertUnlocksWith(self, passphrase, others=()):
        for name, value in VALUES.items():
            self.assertEqual(self.vx.get(name, env={"VAULTX_PASSPHRASE": passphrase}), value)
        for other in others:
            r = self.vx.run(["get", "p/one"], env={"VAULTX_PASSPHRASE": other})
            self.assertExit(r, 3, f"passphrase {other!r} should no longer unlock")
            self.assertEqual(r.stdout, b"")

    def test_passwd_changes_the_passphrase_and_no_secret_file(self):
        secrets = self.secrets_snapshot()
        header = self.vx.snapshot(os.path.join(self.vx.store, "vaultx-store"))
        with open(self.vx.key_file(), "rb") as f:
            old_key = f.read()
        r = self.vx.ok(["passwd"], env={"VAULTX_NEW_PASSPHRASE": NEW})
        self.assertEqual(r.stdout, b"")
        self.assertNotLeaked(r, NEW, vxtest.PASSPHRASE)
        self.assertUnlocksWith(NEW, others=[vxtest.PASSPHRASE])
        self.assertEqual(self.secrets_snapshot(), secrets, "passwd must not rewrite any secret file")
        self.assertEqual(self.vx.snapshot(os.path.join(self.vx.store, "vaultx-store")), header)
        with open(self.vx.key_file(), "rb") as f:
            self.assertNotEqual(f.read(), old_key)
        self.assertEqual(kdf_line(self.vx), "kdf argon2id v=19 m=8192 t=1 p=1", "parameters kept when not given")

    def test_passwd_from_new_passphrase_file(self):
        path = os.path.join(self.vx.root, "newpass")
        with open(path, "w") as f:
            f.write(NEW + "\nignored second line\n")
        self.vx.ok(["passwd"], env={"VAULTX_NEW_PASSPHRASE_FILE": path, "VAULTX_NEW_PASSPHRASE": "not this"})
        self.assertUnlocksWith(NEW, others=[vxtest.PASSPHRASE, "not this"])

    def test_passwd_twice_and_back(self):
        self.vx.ok(["passwd"], env={"VAULTX_NEW_PASSPHRASE": NEW})
        self.vx.ok(["passwd"], env={"VAULTX_PASSPHRASE": NEW, "VAULTX_NEW_PASSPHRASE": vxtest.PASSPHRASE})
        self.assertUnlocksWith(vxtest.PASSPHRASE, others=[NEW])

    def test_kdf_memory_changes_the_kdf_line(self):
        secrets = self.secrets_snapshot()
        self.vx.ok(["passwd", "--kdf-memory", "16M"], env={"VAULTX_NEW_PASSPHRASE": NEW})
        self.assertEqual(kdf_line(self.vx), "kdf argon2id v=19 m=16384 t=1 p=1")
        self.vx.ok(["passwd", "--kdf-time", "2", "--kdf-parallelism", "2"],
                   env={"VAULTX_PASSPHRASE": NEW, "VAULTX_NEW_PASSPHRASE": NEW})
        self.assertEqual(kdf_line(self.vx), "kdf argon2id v=19 m=16384 t=2 p=2")
        self.assertUnlocksWith(NEW, others=[vxtest.PASSPHRASE])
        self.assertEqual(self.secrets_snapshot(), secrets)

    def test_bad_kdf_options_exit_2_and_change_nothing(self):
        before = self.vx.snapshot()
        for option, value in (("--kdf-memory", "abc"), ("--kdf-memory", "7M"), ("--kdf-memory", "8"),
                              ("--kdf-memory", "5G"), ("--kdf-memory", "16Q"), ("--kdf-time", "0"),
                              ("--kdf-parallelism", "99")):
            with self.subTest(option=option, value=value):
                r = self.vx.run(["passwd", option, value], env={"VAULTX_NEW_PASSPHRASE": NEW})
                self.assertExit(r, 2)
                self.assertStderrHas(r, "--kdf")
        self.assertEqual(self.vx.snapshot(), before)
        self.assertUnlocksWith(vxtest.PASSPHRASE, others=[NEW])

    def test_wrong_current_passphrase_exits_3_and_changes_nothing(self):
        before = self.vx.snapshot()
        r = self.vx.run(["passwd"], env={"VAULTX_PASSPHRASE": "wrong", "VAULTX_NEW_PASSPHRASE": NEW})
        self.assertExit(r, 3)
        self.assertEqual(self.vx.snapshot(), before)

    def test_no_new_passphrase_and_no_terminal_exits_3(self):
        before = self.vx.snapshot()
        r = self.vx.run(["passwd"])
        self.assertExit(r, 3)
        self.assertStderrHas(r, "VAULTX_NEW_PASSPHRASE")
        self.assertEqual(self.vx.snapshot(), before)

    # Known bug, not in the CLI: secure::read_passphrase_file always says
    # "(VAULTX_PASSPHRASE_FILE)", so this message names the wrong variable.
    # Remove the decorator once fixed (an unexpected success fails the run).
    @unittest.expectedFailure
    def test_missing_new_passphrase_file_is_named(self):
        before = self.vx.snapshot()
        path = os.path.join(self.vx.root, "no-such-file")
        r = self.vx.run(["passwd"], env={"VAULTX_NEW_PASSPHRASE_FILE": path})
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(self.vx.snapshot(), before)
        self.assertStderrHas(r, path, "VAULTX_NEW_PASSPHRASE_FILE")

    def test_empty_new_passphrase_is_refused(self):
        before = self.vx.snapshot()
        r = self.vx.run(["passwd"], env={"VAULTX_NEW_PASSPHRASE_FILE": os.devnull})
        self.assertExit(r, 2)
        self.assertEqual(self.vx.snapshot(), before)


if __name__ == "__main__":
    vxtest.main()
