"""rekey, and what a collaborator without the master key can do to a team
store: each change is refused (exit 4) or held pending (exit 2)."""
import os
import shutil

import forge
import vxtest

CONFIG = """
[scopes.agent-a]
secrets = ["openai/*"]
"""


class TeamCase(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        self.vx.init()
        with open(os.path.join(self.vx.store, "vaultx.toml"), "w") as f:
            f.write(CONFIG)
        self.vx.set("openai/key", "sk-1")
        self.vx.set("db/password", "pw-1")

    def identity(self, name, *scopes):
        path = os.path.join(self.vx.root, name + ".id")
        pub = self.vx.ok(["identity", "new", "--out", path]).stdout.decode().strip().splitlines()[-1]
        extra = [a for s in scopes for a in ("--scope", s)]
        self.vx.ok(["recipients", "add", pub, "--name", name, *extra])
        return path

    def secret_bytes(self):
        out = {}
        for path in self.vx.secret_files():
            with open(path, "rb") as f:
                out[path] = f.read()
        return out

    def as_identity(self, path, state=None):
        env = {"VAULTX_PASSPHRASE": None, "VAULTX_IDENTITY_FILE": path}
        if state:
            env["VAULTX_STATE_DIR"] = os.path.join(self.vx.root, state)
        return env


class RekeyTest(TeamCase):
    def test_removed_member_cannot_read_after_rekey(self):
        alice = self.identity("alice")
        bob = self.identity("bob")
        agent = self.identity("agent", "agent-a")
        bob_env = self.as_identity(bob, "bob-state")
        alice_env = self.as_identity(alice, "alice-state")
        self.assertEqual(self.vx.get("db/password", env=bob_env), b"pw-1")
        self.assertEqual(self.vx.get("db/password", env=alice_env), b"pw-1")  # alice's machine pins the key
        with open(os.path.join(self.vx.store, "keys", "bob.key"), "rb") as f:
            bob_old_file = f.read()
        self.vx.ok(["recipients", "rm", "bob"])
        self.vx.ok(["recipients", "rm", "agent"])
        r = self.vx.ok(["rekey"])
        out = r.stdout.decode()
        self.assertIn("removed recipient 'bob' (x25519) could read 2 secret(s):\n  db/password\n  openai/key\n", out)
        self.assertIn("removed recipient 'agent' (x25519-scoped) could read 1 secret(s):\n  openai/key\n", out)
        self.assertStderrHas(r, "rotate")
        self.vx.set("db/password", "pw-2")
        # bob is no recipient any more
        self.assertExit(self.vx.run(["get", "db/password"], env=bob_env), 3)
        self.assertExit(self.vx.run(["get", "openai/key"], env=self.as_identity(agent, "agent-state")), 3)
        # even with his old recipient file put back: it opens the old key only
        with open(os.path.join(self.vx.store, "keys", "bob.key"), "wb") as f:
            f.write(bob_old_file)
        r = self.vx.run(["get", "db/password"], env=bob_env)
        self.assertIn(r.returncode, (3, 4), r.describe())
        self.assertNotLeaked(r, "pw-2")
        os.remove(os.path.join(self.vx.store, "keys", "bob.key"))
        # the others can: alice's machine follows the rekey record from its pinned key
        self.assertEqual(self.vx.get("db/password", env=alice_env), b"pw-2")
        self.assertEqual(self.vx.get("db/password"), b"pw-2")
        self.assertEqual(self.vx.get("openai/key"), b"sk-1")
        # The audit trail's MACs changed key at the rekey; verify follows the records.
        self.assertIn(b"audit trail intact", self.vx.ok(["audit", "verify"]).stdout)

    def test_rotate_data_keys(self):
        self.identity("alice")
        before = {p: open(p).read() for p in self.vx.secret_files()}
        self.vx.ok(["rekey", "--rotate-data-keys"])
        after = {p: open(p).read() for p in self.vx.secret_files()}
        self.assertEqual(sorted(before), sorted(after))  # same file names: git sees modifications
        for p in before:
            old_lines = {l for l in before[p].splitlines() if l.startswith("value ")}
            new_lines = {l for l in after[p].splitlines() if l.startswith("value ")}
            self.assertTrue(old_lines.isdisjoint(new_lines) or not old_lines, p)
        self.assertEqual(self.vx.get("db/password"), b"pw-1")
        self.assertEqual(self.vx.get("openai/key"), b"sk-1")

    def test_rekey_needs_the_passphrase_when_run_by_an_identity(self):
        alice = self.identity("alice")
        env = self.as_identity(alice)
        r = self.vx.run(["rekey"], env={**env, "VAULTX_PASSPHRASE": "wrong"})
        self.assertExit(r, 3)
        self.vx.ok(["rekey"], env={**env, "VAULTX_PASSPHRASE": vxtest.PASSPHRASE})
        self.assertEqual(self.vx.get("db/password", env=env), b"pw-1")
        self.assertEqual(self.vx.get("db/password"), b"pw-1")

    def test_scoped_identity_cannot_rekey(self):
        agent = self.identity("agent", "agent-a")
        r = self.vx.run(["rekey"], env=self.as_identity(agent))
        self.assertExit(r, 3)


class CollaboratorAttackTest(TeamCase):
    def test_added_recipient_file_is_refused(self):
        self.identity("alice")
        keys = os.path.join(self.vx.store, "keys")
        with open(os.path.join(keys, "alice.key")) as f:
            text = f.read()
        with open(os.path.join(keys, "mallory.key"), "w") as f:
            f.write(text.replace("recipient alice\n", "recipient mallory\n"))
        r = self.vx.run(["get", "db/password"])
        self.assertExit(r, 4)
        self.assertStderrHas(r, "keys/mallory.key", "not written by a holder of the master key")
        self.assertNotLeaked(r, "pw-1")

    def test_substituted_store_keys_are_refused(self):
        """A collaborator replaces the header and every key file with those of
        a store of his own (a master key sealed to everyone he likes)."""
        self.identity("alice")
        self.assertEqual(self.vx.get("db/password"), b"pw-1")  # this machine pins the store
        other = vxtest.Vx()
        self.addCleanup(other.cleanup)
        other.init()
        for name in os.listdir(os.path.join(self.vx.store, "keys")):
            os.remove(os.path.join(self.vx.store, "keys", name))
        for name in os.listdir(os.path.join(other.store, "keys")):
            with open(os.path.join(other.store, "keys", name), "rb") as src, \
                    open(os.path.join(self.vx.store, "keys", name), "wb") as dst:
                dst.write(src.read())
        with open(os.path.join(other.store, "vaultx-store"), "rb") as src, \
                open(os.path.join(self.vx.store, "vaultx-store"), "wb") as dst:
            dst.write(src.read())
        for args in (["get", "db/password"], ["set", "new"]):
            r = self.vx.run(args, input="x")
            self.assertExit(r, 4, " ".join(args))
            self.assertNotLeaked(r, "pw-1")

    def test_master_key_substituted_with_the_same_store_id_is_refused(self):
        """A collaborator with no key keeps the store id, makes a master key of
        his own, seals it to every member's public key, endorses the recipient
        files under it and drops what he cannot forge. A machine that has never
        seen the store accepts it (trust on first use); one that pinned the
        real key refuses it, and writes nothing the collaborator could read."""
        alice = self.identity("alice")
        self.identity("agent", "agent-a")
        alice_env = self.as_identity(alice, "alice-state")
        self.assertEqual(self.vx.get("db/password", env=alice_env), b"pw-1")  # alice pins the key
        stolen = os.urandom(32)
        with open(os.path.join(self.vx.store, "vaultx-store")) as f:
            header = forge.forge_header(f.read(), stolen)
        with open(os.path.join(self.vx.store, "keys", "alice.key")) as f:
            alice_file = forge.forge_x25519_key_file(f.read(), stolen)
        with open(os.path.join(self.vx.store, "vaultx-store"), "w") as f:
            f.write(header)
        shutil.rmtree(os.path.join(self.vx.store, "keys"))
        shutil.rmtree(os.path.join(self.vx.store, "scopes"))
        os.mkdir(os.path.join(self.vx.store, "keys"), 0o700)
        with open(os.path.join(self.vx.store, "keys", "alice.key"), "w") as f:
            f.write(alice_file)
        secrets_before = self.secret_bytes()

        # The forgery is well formed: a machine without a pin takes it.
        first_use = self.as_identity(alice, "fresh-state")
        self.vx.ok(["set", "planted"], input="from-mallory", env=first_use)
        self.assertEqual(self.vx.get("planted", env=first_use), b"from-mallory")
        os.remove([p for p in self.vx.secret_files() if p not in secrets_before][0])

        for args in (["get", "db/password"], ["set", "new-secret"], ["ls"]):
            r = self.vx.run(args, input="written-by-alice", env=alice_env)
            self.assertExit(r, 4, " ".join(args))
            self.assertStderrHas(r, "master key")
            self.assertNotLeaked(r, "pw-1")
        self.assertEqual(self.secret_bytes(), secrets_before)

    def test_swapped_scope_key_is_refused(self):
        self.identity("agent", "agent-a")
        scopes = os.path.join(self.vx.store, "scopes")
        [name] = os.listdir(scopes)
        path = os.path.join(scopes, name)
        with open(path) as f:
            lines = f.read().splitlines(True)
        lines = [l if not l.startswith("wrapped-key ") else "wrapped-key " + "A" * 96 + "\n" for l in lines]
        with open(path, "w") as f:
            f.write("".join(lines))
        r = self.vx.run(["get", "db/password"])
        self.assertExit(r, 4)
        self.assertStderrHas(r, "scope key file scopes/" + name)

    def test_widened_scope_is_held_pending(self):
        self.identity("alice")
        self.vx.ok(["exec", "--scope", "agent-a", "--", "true"])
        with open(os.path.join(self.vx.store, "vaultx.toml"), "w") as f:
            f.write(CONFIG.replace('["openai/*"]', '["openai/*", "db/*"]'))
        for args in (["exec", "--scope", "agent-a", "--", "true"], ["env", "--scope", "agent-a"], ["scope", "ls"]):
            r = self.vx.run(args)
            self.assertNotEqual(r.returncode, 0, r.describe())
            self.assertIn(r.returncode, (2, 125), r.describe())
            self.assertStderrHas(r, "vaultx scope sync")
        r = self.vx.run(["scope", "sync"])  # no terminal: not accepted
        self.assertExit(r, 2)
        self.assertIn(b"db/password", r.stdout)  # the diff names what joins the scope
        r = self.vx.ok(["scope", "sync", "--yes"])
        self.assertIn(b"accepted", r.stdout)
        r = self.vx.ok(["env", "--scope", "agent-a", "--format", "dotenv"])
        self.assertIn(b"DB_PASSWORD", r.stdout)

    def test_single_user_store_reads_vaultx_toml_as_it_is(self):
        with open(os.path.join(self.vx.store, "vaultx.toml"), "w") as f:
            f.write(CONFIG.replace('["openai/*"]', '["db/*"]'))
        r = self.vx.ok(["env", "--scope", "agent-a", "--format", "dotenv"])
        self.assertIn(b"DB_PASSWORD", r.stdout)

    def test_config_edit_accepts(self):
        self.identity("alice")
        editor = os.path.join(self.vx.root, "editor.sh")
        with open(editor, "w") as f:
            f.write("#!/bin/sh\nprintf '[scopes.new]\\nsecrets = [\"db/*\"]\\n' >> \"$1\"\n")
        os.chmod(editor, 0o755)
        r = self.vx.ok(["config", "edit"], env={"EDITOR": editor})
        self.assertIn(b"accepted", r.stdout)
        r = self.vx.ok(["env", "--scope", "new", "--format", "dotenv"])
        self.assertIn(b"DB_PASSWORD", r.stdout)


if __name__ == "__main__":
    vxtest.main()
