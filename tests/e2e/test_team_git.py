"""A team store in git, with real git: two clones add different secrets and
merge without conflict; the same secret changed on both sides is reported by
name... as a conflict (exit 4)."""
import os
import shutil
import subprocess
import unittest

import vxtest


@unittest.skipIf(shutil.which("git") is None, "git is not installed")
class GitTeamTest(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        with open(os.path.join(self.vx.home, ".gitconfig"), "w") as f:
            f.write("[user]\n\tname = Test\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n")
        self.vx.init("--git")
        self.clone = os.path.join(self.vx.root, "clone")
        subprocess.run(["git", "clone", "-q", self.vx.store, self.clone], check=True, env=self.vx.environment())
        self.b = {"VAULTX_STORE": self.clone, "VAULTX_STATE_DIR": os.path.join(self.vx.root, "state-b")}

    def git_log(self, env=None):
        return self.vx.ok(["git", "log", "--format=%s"], env=env).stdout.decode()

    def pull(self, env, remote):
        return self.vx.run(["git", "pull", "-q", "--no-rebase", "--no-edit", remote, "main"], env=env)

    def test_every_write_is_committed_without_names(self):
        self.vx.set("openai/api-key", "sk-secret")
        self.vx.ok(["rotate", "openai/api-key"], input="sk-2")
        log = self.git_log()
        self.assertIn("vaultx: set (1 secret)", log)
        self.assertIn("vaultx: init", log)
        self.assertNotIn("openai", log)
        status = self.vx.ok(["git", "status", "--porcelain"]).stdout
        self.assertEqual(status, b"")
        diff = self.vx.ok(["git", "log", "-p", "-1"]).stdout
        self.assertIn(b"vaultx secret ", diff)  # the textconv driver
        self.assertNotIn(b"sk-2", diff)

    def test_different_secrets_merge_cleanly(self):
        self.vx.set("a/one", "value-a")
        self.vx.set("b/two", "value-b", env=self.b)
        r = self.pull(self.b, self.vx.store)
        self.assertExit(r, 0, "pull into the clone")
        r = self.pull(None, self.clone)
        self.assertExit(r, 0, "pull into the first store")
        for env in (None, self.b):
            self.assertEqual(self.vx.get("a/one", env=env), b"value-a")
            self.assertEqual(self.vx.get("b/two", env=env), b"value-b")
            self.assertEqual(self.vx.ok(["ls"], env=env).stdout.decode().split(), ["a/one", "b/two"])

    def test_same_secret_on_both_sides_is_a_named_conflict(self):
        self.vx.set("shared", "base")
        self.assertExit(self.pull(self.b, self.vx.store), 0)
        self.vx.set("shared", "value-here")
        self.vx.set("shared", "value-there", env=self.b)
        r = self.pull(None, self.clone)
        self.assertNotEqual(r.returncode, 0, "git reports the conflict")
        r = self.vx.run(["get", "shared"])
        self.assertExit(r, 4)
        self.assertStderrHas(r, "shared", "conflict")
        self.assertNotLeaked(r, "value-here", "value-there")
        r = self.vx.ok(["resolve", "shared", "--theirs"])
        self.assertIn(b"version 3", r.stdout)
        self.assertEqual(self.vx.get("shared"), b"value-there")
        self.vx.ok(["git", "commit", "-q", "--no-edit"])
        self.assertEqual(self.vx.ok(["git", "status", "--porcelain"]).stdout, b"")


if __name__ == "__main__":
    vxtest.main()
