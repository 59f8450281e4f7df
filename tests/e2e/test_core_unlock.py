"""Unlocking: wrong passphrase, no source without a terminal, VAULTX_PASSPHRASE_FILE."""
import os

import vxtest

VALUE = b"sk-unlock-value-7f3a"


class UnlockTests(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        self.vx.init()
        self.vx.set("k", VALUE)

    def write_file(self, name, content):
        path = os.path.join(self.vx.root, name)
        with open(path, "wb") as f:
            f.write(content)
        os.chmod(path, 0o600)
        return path

    def test_wrong_passphrase_exits_3_with_empty_stdout(self):
        for cmd in (["get", "k"], ["ls"], ["rm", "k"], ["set", "k2"], ["mv", "k", "k2"], ["rotate", "k"]):
            with self.subTest(cmd=cmd):
                r = self.vx.run(cmd, input=b"new-value", env={"VAULTX_PASSPHRASE": "wrong horse"})
                self.assertExit(r, 3)
                self.assertEqual(r.stdout, b"")
                self.assertNotLeaked(r, "wrong horse", vxtest.PASSPHRASE, VALUE)
        self.assertEqual(self.vx.get("k"), VALUE)
        self.assertEqual(self.vx.ok(["ls"]).stdout, b"k\n")

    def test_no_source_and_no_terminal_exits_3_naming_the_options(self):
        for cmd in (["get", "k"], ["ls"], ["set", "k"]):
            with self.subTest(cmd=cmd):
                r = self.vx.run(cmd, input=b"v", env={"VAULTX_PASSPHRASE": None})
                self.assertExit(r, 3)
                self.assertEqual(r.stdout, b"")
                self.assertStderrHas(r, "VAULTX_PASSPHRASE_FILE", "VAULTX_PASSPHRASE")
        self.assertEqual(self.vx.get("k"), VALUE)

    def test_empty_passphrase_variable_is_no_source(self):
        r = self.vx.run(["get", "k"], env={"VAULTX_PASSPHRASE": ""})
        self.assertIn(r.returncode, (2, 3), r.describe())
        self.assertEqual(r.stdout, b"")

    def test_passphrase_file_first_line_is_used(self):
        contents = [
            vxtest.PASSPHRASE.encode(),
            vxtest.PASSPHRASE.encode() + b"\n",
            vxtest.PASSPHRASE.encode() + b"\r\n",
            vxtest.PASSPHRASE.encode() + b"\nsecond line is ignored\n",
        ]
        for i, content in enumerate(contents):
            with self.subTest(content=content):
                path = self.write_file(f"pass{i}", content)
                r = self.vx.run(["get", "--raw", "k"], env={"VAULTX_PASSPHRASE": None,
                                                            "VAULTX_PASSPHRASE_FILE": path})
                self.assertExit(r, 0)
                self.assertEqual(r.stdout, VALUE)

    def test_passphrase_file_wins_over_variable(self):
        good = self.write_file("good", vxtest.PASSPHRASE.encode() + b"\n")
        bad = self.write_file("bad", b"not the passphrase\n")
        r = self.vx.run(["get", "--raw", "k"], env={"VAULTX_PASSPHRASE": "wrong", "VAULTX_PASSPHRASE_FILE": good})
        self.assertExit(r, 0)
        self.assertEqual(r.stdout, VALUE)
        r = self.vx.run(["get", "k"], env={"VAULTX_PASSPHRASE_FILE": bad})
        self.assertExit(r, 3)
        self.assertEqual(r.stdout, b"")

    def test_second_line_of_passphrase_file_is_not_the_passphrase(self):
        path = self.write_file("two", b"first\n" + vxtest.PASSPHRASE.encode() + b"\n")
        r = self.vx.run(["get", "k"], env={"VAULTX_PASSPHRASE": None, "VAULTX_PASSPHRASE_FILE": path})
        self.assertExit(r, 3)

    def test_missing_passphrase_file_exits_3_naming_it(self):
        path = os.path.join(self.vx.root, "no-such-file")
        r = self.vx.run(["get", "k"], env={"VAULTX_PASSPHRASE": None, "VAULTX_PASSPHRASE_FILE": path})
        self.assertExit(r, 3)
        self.assertStderrHas(r, path)
        self.assertEqual(r.stdout, b"")

    def test_store_option_and_missing_store(self):
        other = os.path.join(self.vx.root, "elsewhere")
        r = self.vx.run(["--store", other, "get", "k"])
        self.assertNotEqual(r.returncode, 0)
        self.assertStderrHas(r, other)
        r = self.vx.run(["--store", self.vx.store, "get", "--raw", "k"], env={"VAULTX_STORE": other})
        self.assertExit(r, 0)
        self.assertEqual(r.stdout, VALUE)

    def test_default_store_is_under_home(self):
        env = {"VAULTX_STORE": None, "VAULTX_STATE_DIR": None}
        self.vx.ok(["init", *vxtest.CHEAP_KDF], env=env)
        self.assertTrue(os.path.exists(os.path.join(self.vx.home, ".local/share/vaultx/vaultx-store")))
        self.vx.ok(["set", "h"], input=b"home-value", env=env)
        self.assertEqual(self.vx.ok(["get", "h"], env=env).stdout, b"home-value\n")


if __name__ == "__main__":
    vxtest.main()
