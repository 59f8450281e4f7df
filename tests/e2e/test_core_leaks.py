"""No secret name, value or passphrase in any file name or file content on disk.

After a session touching every core command (including failed ones), every
byte under the store, the state dir, HOME and TMPDIR is searched for the names,
the values and the passphrases, and for their hex and base64 forms.
"""
import base64
import hashlib
import os

import vxtest

NEW_PASSPHRASE = "zanzibar-new-passphrase-5531"
NAMES = ["quokkaname-7319/platypus-token", "narwhalname/axolotl-key-4410", "pangolinname-2288"]
VALUES = {
    NAMES[0]: b"VALUE-wombat-8842-xyzzy-secret",
    NAMES[1]: b"sk-live-" + bytes(range(40, 120)),
    NAMES[2]: bytes(range(256)) + b"\x00\xffTAILMARK-9931",
}
ROTATED = b"ROTATED-capybara-5577-plugh-value"
MOVED_NAME = "okapiname/renamed-8123"
DROPPED_VALUE = b"REFUSED-tapir-value-0042-never-stored"


def base64_forms(data):
    """Substrings that any base64 encoding of `data` at any byte offset contains."""
    forms = []
    for k in range(3):
        enc = base64.b64encode(b"\0" * k + data).decode()
        core = enc[{0: 0, 1: 2, 2: 3}[k]:len(enc) - 4]
        if len(core) >= 8:
            forms += [core, core.replace("+", "-").replace("/", "_")]
    return forms


def needles(secret):
    """Byte strings whose presence on disk would reveal `secret` (bytes)."""
    out = {secret, secret.hex().encode(), secret.hex().upper().encode()}
    out.update(f.encode() for f in base64_forms(secret))
    return {n for n in out if len(n) >= 6}


def unkeyed_hashes(name):
    """File names a store would get from an unkeyed hash of the name (a dictionary attack away)."""
    b = name.encode()
    return {hashlib.blake2b(b, digest_size=16).hexdigest(), hashlib.sha256(b).hexdigest()[:32],
            hashlib.md5(b).hexdigest(), hashlib.blake2b(b, digest_size=32).hexdigest()[:32]}


class LeakTests(vxtest.VxTestCase):
    def exercise(self):
        vx = self.vx
        tmp = os.path.join(vx.root, "tmp")
        os.makedirs(tmp)
        env = {"TMPDIR": tmp}
        vx.ok(["init", *vxtest.CHEAP_KDF], env=env)
        for name, value in VALUES.items():
            vx.set(name, value, env=env)
        vx.set(NAMES[0], VALUES[NAMES[0]], env=env)  # identical: no change
        vx.ok(["rotate", "--raw", NAMES[0]], input=ROTATED, env=env)
        vx.ok(["set", "--raw", NAMES[2], "--expires", "2031-05-06"], input=VALUES[NAMES[2]], env=env)
        vx.ok(["mv", NAMES[1], MOVED_NAME], env=env)
        vx.ok(["mv", MOVED_NAME, NAMES[1]], env=env)
        vx.ok(["ls", "--long"], env=env)
        vx.ok(["ls", "--json", "narwhalname"], env=env)
        for name in NAMES:
            vx.ok(["get", name], env=env)
        # Failed commands must not leave anything behind either.
        vx.run(["set", "--raw", NAMES[0]], input=DROPPED_VALUE, env={**env, "VAULTX_PASSPHRASE": "wrong"})
        vx.run(["rotate", "--raw", NAMES[0]], input=DROPPED_VALUE, env={**env, "VAULTX_PASSPHRASE": "wrong"})
        vx.run(["set", "--raw", "bad//name"], input=DROPPED_VALUE, env=env)
        vx.ok(["passwd"], env={**env, "VAULTX_NEW_PASSPHRASE": NEW_PASSPHRASE})
        vx.env["VAULTX_PASSPHRASE"] = NEW_PASSPHRASE
        vx.set("pangolinname-2288/removed-child", b"REMOVED-dugong-value-6612", env=env)
        vx.ok(["rm", "pangolinname-2288/removed-child"], env=env)
        self.assertEqual(vx.get(NAMES[0], env=env), ROTATED)

    def values_to_find(self):
        texts = [*VALUES.values(), ROTATED, DROPPED_VALUE, b"REMOVED-dugong-value-6612",
                 vxtest.PASSPHRASE.encode(), NEW_PASSPHRASE.encode()]
        # The distinctive parts of binary values too, in case a value is stored in pieces.
        texts += [b"TAILMARK-9931", b"VALUE-wombat-8842"]
        result = set()
        for t in texts:
            result |= needles(t)
        return result

    def names_to_find(self):
        texts = []
        for name in NAMES + [MOVED_NAME, "pangolinname-2288/removed-child"]:
            texts.append(name.encode())
            texts += [seg.encode() for seg in name.split("/") if len(seg) >= 8]
        result = set()
        for t in texts:
            result |= needles(t)
        return result

    def test_nothing_secret_on_disk(self):
        self.exercise()
        files = self.vx.files(self.vx.root)
        self.assertTrue(any(p.endswith(".secret") for p in files))
        found = []
        values, names = self.values_to_find(), self.names_to_find()
        for path in files:
            rel = os.path.relpath(path, self.vx.root)
            with open(path, "rb") as f:
                data = f.read()
            # The audit trail (local state, never shared) records which
            # secrets were used, by name: that is its job. Values never.
            in_audit_trail = rel.startswith("state/audit/")
            for n in values | (set() if in_audit_trail else names):
                if n in data or n in rel.encode():
                    found.append((rel, n[:40]))
        self.assertEqual(found, [], "secret material found on disk")

    def test_file_names_are_not_an_unkeyed_hash_of_the_name(self):
        self.exercise()
        on_disk = " ".join(os.listdir(self.vx.secrets_dir()))
        for name in NAMES:
            for h in unkeyed_hashes(name):
                self.assertNotIn(h, on_disk, name)

    def test_no_temporary_file_outlives_the_commands(self):
        self.exercise()
        leftovers = [p for p in self.vx.files(self.vx.root) if os.path.basename(p).startswith(".tmp")]
        self.assertEqual(leftovers, [])
        self.assertEqual(os.listdir(os.path.join(self.vx.root, "tmp")), [])

    def test_same_name_in_two_stores_gets_different_file_names(self):
        other = vxtest.Vx()
        self.addCleanup(other.cleanup)
        self.vx.init()
        other.init()
        a = self.vx.new_secret_file(lambda: self.vx.set(NAMES[0], b"x"))
        b = other.new_secret_file(lambda: other.set(NAMES[0], b"x"))
        self.assertNotEqual(os.path.basename(a), os.path.basename(b))


if __name__ == "__main__":
    vxtest.main()
