"""vaultx import --from pass DIR: a real pass store (Debian's `pass`, a
throwaway GnuPG key with no passphrase) of 50 entries, multi-line ones
included, migrates with every value exactly as `pass show` prints it (one
trailing newline dropped, the one `pass insert` adds). A bad name or an
entry gpg cannot decrypt stops the import with nothing written."""
import os
import shutil
import subprocess
import tempfile
import unittest

import vxtest

SINGLE = {f"web/site-{i:02d}.example.com": f"p@ss word {i} 'q' \"d\" $x `y`" for i in range(30)}
SINGLE.update({f"email/user_{i}": f"mail-{i}-\u00e9\u2713" for i in range(10)})
MULTI = {f"servers/host-{i}/root": f"first-line-password-{i}\nuser: root\nurl: https://h{i}.example\n"
         + ("\n\ntrailing blank lines\n\n" if i % 2 else "no newline at the end") for i in range(10)}


def gpg_env(home):
    return {"GNUPGHOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LANG": "C.UTF-8"}


class PassImport(vxtest.VxTestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("pass", "gpg", "gpgconf"):
            if shutil.which(tool) is None:
                raise unittest.SkipTest(f"{tool} is not installed (apt-get install pass): pass migration not tested")
        # Short: gpg-agent's socket path must fit in a sockaddr_un.
        cls.gnupghome = tempfile.mkdtemp(prefix="vxg-", dir="/tmp")
        os.chmod(cls.gnupghome, 0o700)
        cls.env = gpg_env(cls.gnupghome)
        subprocess.run(["gpg", "--batch", "--passphrase", "", "--quick-generate-key",
                        "vaultx test <vaultx-test@example.invalid>", "future-default", "default", "never"],
                       env=cls.env, check=True, capture_output=True, timeout=120)
        cls.store = os.path.join(cls.gnupghome, "password-store")
        cls.env["PASSWORD_STORE_DIR"] = cls.store
        subprocess.run(["pass", "init", "vaultx-test@example.invalid"], env=cls.env, check=True,
                       capture_output=True, timeout=60)
        for name, value in SINGLE.items():  # `pass insert -e` reads one line and adds a newline
            subprocess.run(["pass", "insert", "-e", name], input=value.encode() + b"\n", env=cls.env, check=True,
                           capture_output=True, timeout=60)
        for name, value in MULTI.items():  # `pass insert -m` stores stdin as it is
            subprocess.run(["pass", "insert", "-m", name], input=value.encode(), env=cls.env, check=True,
                           capture_output=True, timeout=60)

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=cls.env, capture_output=True, timeout=60)
        shutil.rmtree(cls.gnupghome, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.vx.init()

    def run_vx(self, args):
        return self.vx.run(args, env={"GNUPGHOME": self.gnupghome}, timeout=300)

    def pass_show(self, name):
        return subprocess.run(["pass", "show", name], env=self.env, check=True, capture_output=True,
                              timeout=60).stdout

    def test_fifty_entries_migrate_exactly(self):
        expected = {**SINGLE, **MULTI}
        self.assertEqual(len(expected), 50)
        r = self.run_vx(["import", "--from", "pass", self.store])
        self.assertExit(r, 0)
        self.assertStderrHas(r, "imported 50 of 50")
        self.assertNotLeaked(r, "first-line-password-3", SINGLE["email/user_3"])
        self.assertEqual(self.vx.ok(["ls"]).stdout.decode().split(), sorted(expected))
        for name, value in expected.items():
            shown = self.pass_show(name)
            self.assertEqual(shown[:-1] if shown.endswith(b"\n") else shown,
                             self.vx.get(name), f"{name}: differs from pass show")
            want = value.encode()
            self.assertEqual(self.vx.get(name), want[:-1] if want.endswith(b"\n") else want, name)
        # Imported again: every value is unchanged, so nothing needs --overwrite.
        again = self.run_vx(["import", "--from", "pass", self.store])
        self.assertExit(again, 0)
        self.assertStderrHas(again, "50 unchanged")

    def test_prefix_and_dry_run(self):
        before = self.vx.snapshot()
        r = self.run_vx(["import", "--from", "pass", "--prefix", "pass", "--dry-run", self.store])
        self.assertExit(r, 0)
        self.assertEqual(len(r.stdout.splitlines()), 50)
        self.assertIn(b"create pass/servers/host-1/root\n", r.stdout)
        self.assertEqual(self.vx.snapshot(), before)

    def copy_store(self):
        copy = os.path.join(self.vx.root, "pass-copy")
        shutil.copytree(self.store, copy)
        return copy

    def test_an_entry_gpg_cannot_decrypt_stops_everything(self):
        copy = self.copy_store()
        with open(os.path.join(copy, "web", "zz-broken.gpg"), "wb") as f:
            f.write(b"\x85\x01\x0cnot really an OpenPGP message")
        r = self.run_vx(["import", "--from", "pass", copy])
        self.assertExit(r, 1)
        self.assertStderrHas(r, "zz-broken.gpg", "nothing was imported")
        self.assertEqual(self.vx.ok(["ls"]).stdout, b"")

    def test_a_name_that_is_no_secret_name_stops_before_gpg_runs(self):
        copy = self.copy_store()
        shutil.copy(os.path.join(copy, "email", "user_1.gpg"), os.path.join(copy, "email", "with space.gpg"))
        r = self.run_vx(["import", "--from", "pass", copy])
        self.assertExit(r, 2)
        self.assertStderrHas(r, "with space.gpg")
        self.assertEqual(self.vx.ok(["ls"]).stdout, b"")

    def test_a_symlink_is_refused(self):
        copy = self.copy_store()
        os.symlink("/etc/passwd", os.path.join(copy, "link.gpg"))
        r = self.run_vx(["import", "--from", "pass", copy])
        self.assertExit(r, 2)
        self.assertStderrHas(r, "link.gpg", "symbolic link")

    def test_not_a_pass_store(self):
        r = self.run_vx(["import", "--from", "pass", os.path.join(self.vx.root, "absent")])
        self.assertExit(r, 5)


if __name__ == "__main__":
    vxtest.main()
