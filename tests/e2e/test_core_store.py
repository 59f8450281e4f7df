"""The store on disk: init once, permissions, KDF parameters, layout."""
import os
import re
import stat

import vxtest


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def kdf_line(vx):
    with open(vx.key_file(), "rb") as f:
        lines = [line for line in f.read().decode().splitlines() if line.startswith("kdf ")]
    assert len(lines) == 1, lines
    return lines[0]


class StoreTests(vxtest.VxTestCase):
    def test_init_twice_is_refused_and_leaves_the_store_untouched(self):
        self.vx.init()
        self.vx.set("k", b"value")
        before = self.vx.snapshot()
        stats = {p: os.stat(p).st_mtime_ns for p in before}
        for args in (["init", *vxtest.CHEAP_KDF], ["init"]):
            with self.subTest(args=args):
                r = self.vx.run(args, env={"VAULTX_PASSPHRASE": "another passphrase"})
                self.assertExit(r, 1)
                self.assertStderrHas(r, self.vx.store)
        self.assertEqual(self.vx.snapshot(), before)
        self.assertEqual({p: os.stat(p).st_mtime_ns for p in before}, stats)
        self.assertEqual(self.vx.get("k"), b"value")

    def test_init_refuses_a_directory_with_secrets_but_no_header(self):
        self.vx.init()
        self.vx.set("k", b"value")
        os.unlink(os.path.join(self.vx.store, "vaultx-store"))
        before = self.vx.snapshot()
        r = self.vx.run(["init", *vxtest.CHEAP_KDF])
        self.assertNotEqual(r.returncode, 0, r.describe())
        self.assertEqual(self.vx.snapshot(), before)

    def test_permissions_are_private_even_with_an_open_umask(self):
        old = os.umask(0)
        try:
            self.vx.init()
            self.vx.set("a/b", b"value")
            self.vx.set("a/b", b"value2")
            self.vx.ok(["mv", "a/b", "c"])
            self.vx.ok(["passwd"], env={"VAULTX_NEW_PASSPHRASE": "new passphrase"})
        finally:
            os.umask(old)
        dirs = [self.vx.store] + [os.path.join(d, n) for d, ds, _ in os.walk(self.vx.store) for n in ds]
        for d in dirs:
            self.assertEqual(mode(d), 0o700, d)
        files = self.vx.files(self.vx.store)
        self.assertGreaterEqual(len(files), 3)
        for f in files:
            self.assertEqual(mode(f), 0o600, f)

    def test_init_tightens_an_existing_open_directory(self):
        os.makedirs(self.vx.store, mode=0o755)
        os.chmod(self.vx.store, 0o755)
        self.vx.init()
        self.assertEqual(mode(self.vx.store), 0o700)

    def test_layout_has_only_expected_files(self):
        self.vx.init()
        for i in range(3):
            self.vx.set(f"s{i}", b"v")
        rel = sorted(os.path.relpath(p, self.vx.store) for p in self.vx.files(self.vx.store))
        self.assertEqual(len(rel), 5, rel)
        self.assertEqual((rel[0], rel[-1]), ("keys/passphrase.key", "vaultx-store"))
        for r in rel[1:4]:
            self.assertRegex(r, r"^secrets/[0-9a-f]{32}\.secret$")

    def test_cheap_kdf_parameters_are_recorded(self):
        self.vx.init()
        self.assertEqual(kdf_line(self.vx), "kdf argon2id v=19 m=8192 t=1 p=1")

    def test_default_kdf_is_rfc9106_second_recommendation(self):
        self.vx.ok(["init"])
        self.assertEqual(kdf_line(self.vx), "kdf argon2id v=19 m=65536 t=3 p=4")
        self.vx.set("k", b"default-cost")
        self.assertEqual(self.vx.get("k"), b"default-cost")

    def test_bad_kdf_options_exit_2_and_create_nothing(self):
        cases = [("--kdf-memory", "abc"), ("--kdf-memory", "7M"), ("--kdf-memory", "5G"), ("--kdf-memory", "0"),
                 ("--kdf-memory", "-8M"), ("--kdf-time", "0"), ("--kdf-time", "17"), ("--kdf-parallelism", "0"),
                 ("--kdf-parallelism", "17"), ("--kdf-time", "x")]
        for option, value in cases:
            with self.subTest(option=option, value=value):
                r = self.vx.run(["init", *vxtest.CHEAP_KDF, option, value])
                self.assertExit(r, 2)
                self.assertFalse(os.path.exists(os.path.join(self.vx.store, "vaultx-store")))

    def test_kdf_memory_units(self):
        for text, kib in (("16M", 16384), ("8192K", 8192), ("9m", 9216)):
            with self.subTest(text=text):
                vx = vxtest.Vx()
                self.addCleanup(vx.cleanup)
                vx.ok(["init", "--kdf-memory", text, "--kdf-time", "1", "--kdf-parallelism", "1"])
                self.assertTrue(re.fullmatch(rf"kdf argon2id v=19 m={kib} t=1 p=1", kdf_line(vx)), kdf_line(vx))

    def test_init_without_a_passphrase_source_exits_3(self):
        r = self.vx.run(["init", *vxtest.CHEAP_KDF], env={"VAULTX_PASSPHRASE": None})
        self.assertExit(r, 3)
        self.assertStderrHas(r, "VAULTX_PASSPHRASE_FILE")
        self.assertFalse(os.path.exists(os.path.join(self.vx.store, "vaultx-store")))

    def test_init_refuses_an_empty_passphrase(self):
        r = self.vx.run(["init", *vxtest.CHEAP_KDF], env={"VAULTX_PASSPHRASE": None,
                                                          "VAULTX_PASSPHRASE_FILE": os.devnull})
        self.assertExit(r, 2)
        self.assertFalse(os.path.exists(os.path.join(self.vx.store, "vaultx-store")))

    def test_commands_on_a_missing_store_exit_5_naming_it(self):
        for cmd in (["get", "k"], ["ls"], ["set", "k"], ["passwd"]):
            with self.subTest(cmd=cmd):
                r = self.vx.run(cmd, input=b"v")
                self.assertExit(r, 5)
                self.assertStderrHas(r, self.vx.store, "vaultx init")
        self.assertFalse(os.path.exists(self.vx.store), "a read or write must not create the store")


if __name__ == "__main__":
    vxtest.main()
