"""Recipients: full and scoped. A scoped identity reads its scopes and nothing
else, even with every file of the store in hand: the key hierarchy, not a
check in code, decides (tested on a copy of the store)."""
import os
import shutil

import vxtest

CONFIG = """
[scopes.agent-a]
secrets = ["openai/*"]
env = { DB_URL = "db/url" }

[scopes.agent-b]
secrets = ["aws/*"]
"""


class ScopesTest(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        self.vx.init()
        with open(os.path.join(self.vx.store, "vaultx.toml"), "w") as f:
            f.write(CONFIG)
        self.values = {"openai/key": "sk-openai", "db/url": "postgres://x", "aws/key": "AKIA-aws",
                       "github/token": "ghp-token"}
        for name, value in self.values.items():
            self.vx.set(name, value)

    def identity(self, name):
        path = os.path.join(self.vx.root, name + ".id")
        r = self.vx.ok(["identity", "new", "--out", path])
        return path, r.stdout.decode().strip().splitlines()[-1]

    def as_identity(self, path, store=None):
        env = {"VAULTX_PASSPHRASE": None, "VAULTX_IDENTITY_FILE": path}
        if store:
            env["VAULTX_STORE"] = store
        return env

    def test_ls_shows_recipients(self):
        _, pub = self.identity("agent")
        self.vx.ok(["recipients", "add", pub, "--name", "agent", "--scope", "agent-a"])
        out = self.vx.ok(["recipients", "ls"]).stdout.decode()
        self.assertIn("passphrase\tpassphrase", out)
        self.assertIn("agent\tx25519-scoped\t" + pub + "\tscopes=agent-a", out)

    def test_scoped_identity_on_a_copy_of_the_store(self):
        path, pub = self.identity("agent")
        self.vx.ok(["recipients", "add", pub, "--name", "agent", "--scope", "agent-a"])
        # A full copy of every file of the store, used with nothing but the identity.
        copy = os.path.join(self.vx.root, "copy")
        shutil.copytree(self.vx.store, copy)
        env = self.as_identity(path, copy)
        env["VAULTX_STATE_DIR"] = os.path.join(self.vx.root, "agent-state")
        # Its own machine accepts the config it finds (the trust is local).
        self.vx.ok(["scope", "sync", "--yes"], env=env)
        self.assertEqual(self.vx.get("openai/key", env=env), b"sk-openai")
        self.assertEqual(self.vx.get("db/url", env=env), b"postgres://x")
        for other in ["aws/key", "github/token"]:
            r = self.vx.run(["get", other], env=env)
            self.assertExit(r, 3, other)
            self.assertNotLeaked(r, self.values[other])
        self.assertEqual(self.vx.ok(["ls"], env=env).stdout.decode().split(), ["db/url", "openai/key"])
        r = self.vx.ok(["exec", "--scope", "agent-a", "--mask", "never", "--", "sh", "-c", "echo $DB_URL $OPENAI_KEY"], env=env)
        self.assertEqual(r.stdout, b"postgres://x sk-openai\n")
        r = self.vx.run(["exec", "--scope", "agent-b", "--", "true"], env=env)
        self.assertExit(r, 125)
        self.assertStderrHas(r, "not of 'agent-b'")
        self.assertExit(self.vx.run(["env", "--scope", "agent-b"], env=env), 3)
        # Widening the scope in the copy's vaultx.toml gives it no key for more.
        with open(os.path.join(copy, "vaultx.toml"), "a") as f:
            f.write('\n[scopes.agent-a2]\nsecrets = ["*"]\n')
        with open(os.path.join(copy, "vaultx.toml")) as f:
            widened = f.read().replace('secrets = ["openai/*"]', 'secrets = ["openai/*", "aws/*", "github/*"]')
        with open(os.path.join(copy, "vaultx.toml"), "w") as f:
            f.write(widened)
        self.vx.ok(["scope", "sync", "--yes"], env=env)
        for other in ["aws/key", "github/token"]:
            self.assertExit(self.vx.run(["get", other], env=env), 3, other)
        # It cannot write.
        r = self.vx.run(["set", "openai/key"], input="new", env=env)
        self.assertExit(r, 3)
        self.assertStderrHas(r, "scoped identity cannot write")

    def test_scoped_identity_reads_nothing_else_at_the_key_level(self):
        """The scope bundle holds only the scopes' keys: a secret outside them
        has no wrap the identity could open (checked on the files themselves)."""
        path, pub = self.identity("agent")
        self.vx.ok(["recipients", "add", pub, "--name", "agent", "--scope", "agent-b"])
        wraps = {}
        for f in self.vx.secret_files():
            with open(f) as fh:
                wraps[f] = [l.split()[1] for l in fh if l.startswith("key ")]
        scoped = [w for w in wraps.values() if any(h.startswith("scope:") for h in w)]
        self.assertEqual(len(scoped), 1, wraps)  # aws/key only
        self.assertEqual(len(os.listdir(os.path.join(self.vx.store, "scopes"))), 1)

    def test_new_secrets_join_their_scope(self):
        path, pub = self.identity("agent")
        self.vx.ok(["recipients", "add", pub, "--name", "agent", "--scope", "agent-b"])
        self.vx.set("aws/other", "later")
        self.vx.set("misc", "not for agents")
        env = self.as_identity(path)
        env["VAULTX_STATE_DIR"] = os.path.join(self.vx.root, "agent-state")
        self.vx.ok(["scope", "sync", "--yes"], env=env)
        self.assertEqual(self.vx.get("aws/other", env=env), b"later")
        self.assertExit(self.vx.run(["get", "misc"], env=env), 3)

    def test_rm_needs_a_full_recipient_left(self):
        r = self.vx.run(["recipients", "rm", "passphrase"])
        self.assertExit(r, 1)
        r = self.vx.run(["recipients", "rm", "nobody"])
        self.assertExit(r, 5)

    def test_unknown_scope_and_duplicate_name(self):
        _, pub = self.identity("a")
        _, pub2 = self.identity("b")
        self.vx.ok(["recipients", "add", pub, "--name", "a"])
        self.assertExit(self.vx.run(["recipients", "add", pub2, "--name", "a"]), 1)
        self.assertExit(self.vx.run(["recipients", "add", pub, "--name", "c"]), 1)
        self.assertExit(self.vx.run(["recipients", "add", pub2, "--name", "Bad Name"]), 2)


if __name__ == "__main__":
    vxtest.main()
