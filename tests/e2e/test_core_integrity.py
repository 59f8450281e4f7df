"""Tampering with secret files: flipped bytes, truncation, swapped files.

Each damaged file must give exit 4 naming the file, leave the other secrets
readable, and make `ls` list the good ones and exit 4.
"""
import json as jsonlib
import os
import random
import string

import vxtest

GOOD = {"good/one": b"good-value-one", "good/two": b"good-value-two"}
BASE64 = string.ascii_letters + string.digits + "+/"


def lines_of(data):
    """{first word of line: (start offset, end offset)} for a secret file."""
    out, pos = {}, 0
    for line in data.split(b"\n"):
        key = line.split(b" ", 1)[0].decode()
        out.setdefault(key, (pos, pos + len(line)))
        pos += len(line) + 1
    return out


def replace_char(data, offset, alphabet):
    """data with the character at `offset` replaced by another one from `alphabet`."""
    old = chr(data[offset])
    new = random.choice([c for c in alphabet if c != old])
    return data[:offset] + new.encode() + data[offset + 1:]


class IntegrityTests(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        random.seed(int(os.environ.get("VX_SEED", "1")))
        self.vx.init()
        for name, value in GOOD.items():
            self.vx.set(name, value)
        self.victim = self.vx.new_secret_file(lambda: self.vx.set("victim/secret", b"victim-value-123456"))
        with open(self.victim, "rb") as f:
            self.original = f.read()

    def damage(self, data):
        with open(self.victim, "wb") as f:
            f.write(data)

    def assertDetected(self, what, names=("victim/secret",), files=None, listed=(), json=True):
        files = files or [self.victim]
        for name in names:
            r = self.vx.run(["get", name])
            self.assertExit(r, 4, f"{what}: get {name}")
            self.assertEqual(r.stdout, b"", what)
            self.assertTrue(any(os.path.basename(p) in r.stderr.decode() for p in files),
                            f"{what}: the message should name the secret file: {r.describe()}")
            self.assertNotLeaked(r, b"victim-value-123456")
        # ls below opens every other file too; one get is enough to show values still come out.
        self.assertEqual(self.vx.get("good/one"), GOOD["good/one"], f"{what}: other secrets must stay readable")
        r = self.vx.run(["ls"])
        self.assertExit(r, 4, f"{what}: ls")
        self.assertEqual(r.stdout.decode().split(), sorted([*GOOD, *listed]),
                         f"{what}: ls must list the good secrets")
        self.assertTrue(any(os.path.basename(p) in r.stderr.decode() for p in files), f"{what}: {r.describe()}")
        if json:
            r = self.vx.run(["ls", "--json"])
            self.assertExit(r, 4, f"{what}: ls --json")
            self.assertEqual(sorted(e["name"] for e in jsonlib.loads(r.stdout)), sorted([*GOOD, *listed]))

    def test_flipped_bytes_in_every_part(self):
        spans = lines_of(self.original)
        cases = []
        # A character replaced by another of the same kind keeps the syntax valid,
        # so only authentication can catch it.
        for key, alphabet in (("store", "0123456789abcdef"), ("id", "0123456789abcdef"),
                              ("version", "23456789"), ("created", "0"), ("rotated", "0"),
                              ("key", BASE64), ("name", BASE64), ("value", BASE64)):
            start, end = spans[key]
            value_start = self.original.index(b" ", start) + 1
            if key == "key":
                value_start = self.original.index(b" ", value_start) + 1  # after the holder
            lo, hi = (value_start, end - 3) if key in ("key", "name", "value") else (value_start, end - 1)
            if key in ("created", "rotated"):
                lo = hi = value_start + 3  # 2026 -> 2020: still a valid time, earlier
            for offset in sorted({lo, hi, random.randint(lo, hi)}):
                cases.append((f"{key} line, offset {offset}", replace_char(self.original, offset, alphabet)))
        cases.append(("magic", self.original.replace(b"vaultx-secret 1", b"vaultx-secret 2", 1)))
        cases.append(("expires set", self.original.replace(b"expires -", b"expires 2099-01-01T00:00:00Z", 1)))
        # Raw bit flips at random positions anywhere in the file.
        for offset in random.sample(range(len(self.original)), 4):
            flipped = bytearray(self.original)
            flipped[offset] ^= 1 << random.randrange(8)
            cases.append((f"bit flip at {offset}", bytes(flipped)))
        for what, data in cases:
            with self.subTest(what=what):
                self.assertNotEqual(data, self.original)
                self.damage(data)
                self.assertDetected(what, json=False)
        self.damage(self.original)
        self.assertEqual(self.vx.get("victim/secret"), b"victim-value-123456")

    def test_truncated_and_extended(self):
        n = len(self.original)
        cases = [(f"truncated to {k} bytes", self.original[:k]) for k in (0, 1, n // 3, n // 2, n - 10, n - 1)]
        cases.append(("trailing byte appended", self.original + b"\n"))
        cases.append(("trailing garbage appended", self.original + b"value AAAA\n"))
        for what, data in cases:
            with self.subTest(what=what):
                self.damage(data)
                self.assertDetected(what)

    def test_two_secret_files_swapped(self):
        other = self.vx.new_secret_file(lambda: self.vx.set("victim/other", b"other-value-654321"))
        with open(other, "rb") as f:
            other_data = f.read()
        self.damage(other_data)
        with open(other, "wb") as f:
            f.write(self.original)
        self.assertDetected("swapped", names=("victim/secret", "victim/other"), files=[self.victim, other])

    def test_file_copied_over_another(self):
        other = self.vx.new_secret_file(lambda: self.vx.set("victim/other", b"other-value-654321"))
        with open(other, "rb") as f:
            self.damage(f.read())
        self.assertDetected("copied", listed=["victim/other"])
        self.assertEqual(self.vx.get("victim/other"), b"other-value-654321")

    def test_file_from_another_store(self):
        # Same name, same master passphrase, different store: the file must not be accepted.
        twin = vxtest.Vx()
        self.addCleanup(twin.cleanup)
        twin.init()
        foreign = twin.new_secret_file(lambda: twin.set("victim/secret", b"foreign-value"))
        with open(foreign, "rb") as f:
            self.damage(f.read())
        self.assertDetected("foreign")

    def test_symlink_instead_of_file(self):
        target = os.path.join(self.vx.root, "elsewhere.secret")
        with open(target, "wb") as f:
            f.write(self.original)
        os.unlink(self.victim)
        os.symlink(target, self.victim)
        self.assertDetected("symlink")

    def test_stray_file_in_secrets_dir_is_reported_by_ls(self):
        stray = os.path.join(self.vx.secrets_dir(), "not-an-id.secret")
        with open(stray, "wb") as f:
            f.write(self.original)
        r = self.vx.run(["ls"])
        self.assertExit(r, 4)
        self.assertIn(b"victim/secret", r.stdout)
        self.assertStderrHas(r, "not-an-id.secret")

    def test_rollback_to_an_older_version_is_detected_or_documented(self):
        # An old copy of the same secret is authentic; DESIGN.md lists rollback
        # under exit 4 but needs local pins to see it. Here we only check that
        # the old value is returned intact, never a mix.
        self.vx.set("victim/secret", b"victim-value-v2")
        self.damage(self.original)
        r = self.vx.run(["get", "--raw", "victim/secret"])
        self.assertIn(r.returncode, (0, 4), r.describe())
        if r.returncode == 0:
            self.assertEqual(r.stdout, b"victim-value-123456")


if __name__ == "__main__":
    vxtest.main()
