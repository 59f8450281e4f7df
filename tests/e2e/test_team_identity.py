"""vaultx identity new/pub, and VAULTX_IDENTITY_FILE as an unlock source."""
import os
import stat

import vxtest


class IdentityTest(vxtest.VxTestCase):
    def new_identity(self, path, *extra, env=None):
        r = self.vx.ok(["identity", "new", "--out", path, *extra], env=env)
        last = r.stdout.decode().strip().splitlines()[-1]
        self.assertTrue(last.startswith("vxpk1:") and len(last) == 49, r.stdout)
        return last

    def test_new_writes_a_private_file_and_prints_the_key_last(self):
        path = os.path.join(self.vx.root, "ids", "me")
        pub = self.new_identity(path)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(self.vx.ok(["identity", "pub", path]).stdout.decode().strip(), pub)
        with open(path) as f:
            self.assertTrue(f.read().startswith("vaultx-identity 1\n"))

    def test_new_refuses_to_overwrite(self):
        path = os.path.join(self.vx.root, "me")
        self.new_identity(path)
        with open(path, "rb") as f:
            before = f.read()
        r = self.vx.run(["identity", "new", "--out", path])
        self.assertExit(r, 1)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_default_path_is_under_xdg_config(self):
        pub = self.vx.ok(["identity", "new"]).stdout.decode().strip().splitlines()[-1]
        path = os.path.join(self.vx.home, ".config", "vaultx", "identity")
        self.assertTrue(os.path.exists(path))
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), 0o700)
        self.assertEqual(self.vx.ok(["identity", "pub"]).stdout.decode().strip(), pub)

    def test_passphrase_protected_identity(self):
        path = os.path.join(self.vx.root, "sealed")
        env = {"VAULTX_IDENTITY_PASSPHRASE": "id pass"}
        pub = self.new_identity(path, "--passphrase", *vxtest.CHEAP_KDF, env=env)
        with open(path) as f:
            text = f.read()
        self.assertIn("sealed-secret-key ", text)
        self.assertNotIn("\nsecret-key ", text)
        # pub needs no passphrase
        self.assertEqual(self.vx.ok(["identity", "pub", path]).stdout.decode().strip(), pub)
        self.vx.init()
        self.vx.set("a", "one")
        self.vx.ok(["recipients", "add", pub, "--name", "sealed"])
        unlock = {"VAULTX_PASSPHRASE": None, "VAULTX_IDENTITY_FILE": path}
        self.assertEqual(self.vx.get("a", env={**unlock, "VAULTX_IDENTITY_PASSPHRASE": "id pass"}), b"one")
        r = self.vx.run(["get", "a"], env={**unlock, "VAULTX_IDENTITY_PASSPHRASE": "wrong"})
        self.assertExit(r, 3)
        r = self.vx.run(["get", "a"], env=unlock)
        self.assertExit(r, 3)
        self.assertStderrHas(r, "VAULTX_IDENTITY_PASSPHRASE")

    def test_identity_file_unlocks_a_full_recipient(self):
        self.vx.init()
        self.vx.set("db/password", "hunter2")
        path = os.path.join(self.vx.root, "ci")
        pub = self.new_identity(path)
        unlock = {"VAULTX_PASSPHRASE": None, "VAULTX_IDENTITY_FILE": path}
        r = self.vx.run(["get", "db/password"], env=unlock)
        self.assertExit(r, 3, "not a recipient yet")
        self.vx.ok(["recipients", "add", pub, "--name", "ci"])
        self.assertEqual(self.vx.get("db/password", env=unlock), b"hunter2")
        self.vx.set("new", "written by ci", env=unlock)
        self.assertEqual(self.vx.get("new"), b"written by ci")

    def test_identity_comes_before_the_passphrase(self):
        self.vx.init()
        self.vx.set("a", "one")
        path = os.path.join(self.vx.root, "stranger")
        self.new_identity(path)
        # A passphrase is set too, but the identity is tried first and is no recipient.
        r = self.vx.run(["get", "a"], env={"VAULTX_IDENTITY_FILE": path})
        self.assertExit(r, 3)
        self.assertStderrHas(r, "recipients add")

    def test_readable_identity_file_is_refused(self):
        self.vx.init()
        path = os.path.join(self.vx.root, "loose")
        pub = self.new_identity(path)
        self.vx.ok(["recipients", "add", pub, "--name", "loose"])
        os.chmod(path, 0o644)
        r = self.vx.run(["ls"], env={"VAULTX_PASSPHRASE": None, "VAULTX_IDENTITY_FILE": path})
        self.assertExit(r, 3)

    def test_bad_public_keys_are_refused(self):
        self.vx.init()
        for bad in ["vxpk1:", "vxpk1:" + "A" * 43, "age1qqqq", "vxpk1:" + "_" * 44]:
            r = self.vx.run(["recipients", "add", bad, "--name", "x"])
            self.assertExit(r, 2, bad)


if __name__ == "__main__":
    vxtest.main()
