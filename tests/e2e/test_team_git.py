"""A team store in git, with real git: two clones add different secrets and
merge without conflict; the same secret changed on both sides is reported by
name... as a conflict (exit 4). The diff driver shows names and keyed
fingerprints with a key source that needs no prompt, never a value."""
import os
import re
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

    # -- the textconv diff driver

    def passphrase_file(self, text=vxtest.PASSPHRASE):
        path = os.path.join(self.vx.root, "pass-%d" % len(text))
        with open(path, "w") as f:
            f.write(text + "\n")
        os.chmod(path, 0o600)
        return path

    def real_git(self, cwd, args, env):
        """git itself (not through vaultx), as a user runs it in the store's work tree."""
        r = subprocess.run(["git", *args], cwd=cwd, env=self.vx.environment(env), capture_output=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        self.assertEqual(r.stderr, b"")
        return r.stdout.decode()

    @staticmethod
    def fingerprints(text):
        return re.findall(r"^([-+ ])fingerprint ([0-9a-f]{16})$", text, re.M)

    def test_textconv_shows_name_and_a_keyed_fingerprint(self):
        key = {"VAULTX_PASSPHRASE": None, "VAULTX_PASSPHRASE_FILE": self.passphrase_file()}
        self.vx.set("openai/api-key", "sk-first-value")
        self.vx.ok(["rotate", "openai/api-key"], input="sk-second-value")
        # git log -p run by git itself, and through vaultx git.
        for log in (self.real_git(self.vx.store, ["log", "-p", "-1"], key),
                    self.vx.ok(["git", "log", "-p", "-1"], env=key).stdout.decode()):
            self.assertIn("name openai/api-key", log)
            self.assertNotIn("sk-first-value", log)
            self.assertNotIn("sk-second-value", log)
            marks = dict(self.fingerprints(log))
            self.assertIn("-", marks, log)
            self.assertIn("+", marks, log)
            self.assertNotEqual(marks["-"], marks["+"], "a changed value changes the fingerprint")
        new_print = dict(self.fingerprints(self.real_git(self.vx.store, ["log", "-p", "-1"], key)))["+"]

        # git diff between two commits: the same driver; the same value, the same fingerprint.
        self.vx.set("db/password", "sk-second-value")
        diff = self.real_git(self.vx.store, ["diff", "HEAD~1", "HEAD"], key)
        self.assertIn("name db/password", diff)
        self.assertIn(("+", new_print), self.fingerprints(diff), "same value, same fingerprint")
        self.assertNotIn("sk-second-value", diff)

        # The second clone works it out by itself from the same value.
        b = dict(self.b, **key)
        self.vx.ok(["git", "setup"], env=b)
        self.vx.set("c/other", "sk-second-value", env=b)
        log_b = self.real_git(self.clone, ["log", "-p", "-1"], b)
        self.assertIn("name c/other", log_b)
        self.assertEqual(dict(self.fingerprints(log_b))["+"], new_print)
        self.assertNotIn("sk-second-value", log_b)

    def test_textconv_without_a_key_shows_metadata_only(self):
        self.vx.set("openai/api-key", "sk-first-value")
        self.vx.ok(["rotate", "openai/api-key"], input="sk-second-value")
        wrong = self.passphrase_file("not the passphrase")
        for env in ({"VAULTX_PASSPHRASE": None}, {"VAULTX_PASSPHRASE": None, "VAULTX_PASSPHRASE_FILE": wrong}):
            for log in (self.real_git(self.vx.store, ["log", "-p"], env),
                        self.real_git(self.vx.store, ["diff", "HEAD~1", "HEAD"], env),
                        self.vx.ok(["git", "log", "-p"], env=env).stdout.decode()):
                self.assertIn("vaultx secret ", log)
                self.assertIn("version 2", log)
                if "new file" in log:  # the added file shows every line, the note included
                    self.assertIn(" not shown", log)
                self.assertNotIn("openai", log)
                self.assertEqual(self.fingerprints(log), [])
                self.assertNotIn("sk-first-value", log)
                self.assertNotIn("sk-second-value", log)
        log = self.real_git(self.vx.store, ["log", "-p"], {"VAULTX_PASSPHRASE": None})
        self.assertIn("set VAULTX_PASSPHRASE_FILE", log)


if __name__ == "__main__":
    vxtest.main()
