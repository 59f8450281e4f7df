"""An attacker with write access to the store but not the key.

Every mutation of a secret file or the key file that can be made without the
key (each byte changed in turn, each truncation, swaps, an older copy put
back, edited metadata, weakened KDF parameters, a foreign key file) must end
in exit 3 or 4 with a message on stderr: never a crash, never a value on
stdout, never silent acceptance. The counts are printed so that a run shows
how much was tried (quoted in docs/threat-model.md).
"""
import os
import shutil
import sys

import vxtest

VALUE = b"the-real-value-0123456789"
# Every byte and every length by default; the sanitizer run (10x slower per
# process) takes every STRIDE-th so that CI stays short.
STRIDE = int(os.environ.get("VX_ADVERSARIAL_STRIDE", "1"))


class Tally:
    def __init__(self, what):
        self.what, self.tried, self.codes = what, 0, {}

    def add(self, code):
        self.tried += 1
        self.codes[code] = self.codes.get(code, 0) + 1

    def report(self):
        codes = ", ".join(f"exit {c}: {n}" for c, n in sorted(self.codes.items()))
        print(f"\nadversarial: {self.what}: {self.tried} mutated inputs tried ({codes})", file=sys.stderr)


class AdversarialTests(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        self.vx.init()
        self.vx.set("other/secret", b"other-value")
        self.victim = self.vx.new_secret_file(lambda: self.vx.set("victim/secret", VALUE))
        self.original = self.read(self.victim)
        self.key_original = self.read(self.vx.key_file())

    @staticmethod
    def read(path):
        with open(path, "rb") as f:
            return f.read()

    @staticmethod
    def write(path, data):
        with open(path, "wb") as f:
            f.write(data)

    def refused(self, what, tally, args=("get", "--raw", "victim/secret"), allowed=(3, 4), names=None):
        r = self.vx.run(list(args))
        tally.add(r.returncode)
        self.assertIn(r.returncode, allowed, f"{what}: {r.describe()}")
        if args[0] == "ls":  # lists the intact secrets, never the damaged one
            self.assertEqual(r.stdout, b"other/secret\n", f"{what}: ls must list only the intact secret")
        else:
            self.assertEqual(r.stdout, b"", f"{what}: nothing may reach stdout")
        self.assertNotLeaked(r, VALUE)
        err = r.stderr.decode(errors="replace")
        self.assertTrue(err.startswith("vaultx: "), f"{what}: a clear message is expected: {r.describe()}")
        if names:
            self.assertIn(names, err, f"{what}: the message must name the file")
        return r

    def assertIntact(self):
        self.assertEqual(self.vx.get("victim/secret"), VALUE)
        self.assertEqual(self.vx.get("other/secret"), b"other-value")

    def test_every_byte_of_the_secret_file_changed(self):
        tally = Tally("secret file, each byte changed in turn")
        name = os.path.basename(self.victim)
        for offset in range(0, len(self.original), STRIDE):
            data = bytearray(self.original)
            # A neighbour of the same class (digit for digit, letter for letter)
            # where possible, so that many mutations still parse and only the
            # cryptography can catch them.
            data[offset] = data[offset] ^ 0x01 if data[offset] not in (0x0a,) else 0x20
            self.write(self.victim, bytes(data))
            self.refused(f"byte {offset} changed", tally, names=name)
        tally.report()
        self.assertEqual(tally.tried, len(range(0, len(self.original), STRIDE)))
        self.write(self.victim, self.original)
        self.assertIntact()

    def test_every_truncation_of_the_secret_file(self):
        tally = Tally("secret file, truncated at every length")
        for length in range(0, len(self.original), STRIDE):
            self.write(self.victim, self.original[:length])
            self.refused(f"truncated to {length}", tally, names=os.path.basename(self.victim))
        tally.report()
        self.write(self.victim, self.original)
        self.assertIntact()

    def test_metadata_edits(self):
        tally = Tally("secret file, metadata edited")
        lines = self.original.split(b"\n")
        edits = {
            b"version": [b"version 2", b"version 9", b"version 18446744073709551615"],
            b"created": [b"created 2000-01-01T00:00:00Z", b"created 2099-12-31T23:59:59Z"],
            b"rotated": [b"rotated 2000-01-01T00:00:00Z", b"rotated 2099-12-31T23:59:59Z"],
            b"expires": [b"expires 2000-01-01T00:00:00Z", b"expires 2099-12-31T23:59:59Z"],
        }
        for key, replacements in edits.items():
            index = next(i for i, line in enumerate(lines) if line.startswith(key + b" "))
            for replacement in replacements:
                if lines[index] == replacement:
                    continue
                edited = lines[:index] + [replacement] + lines[index + 1:]
                self.write(self.victim, b"\n".join(edited))
                self.refused(f"{key.decode()} edited to {replacement.decode()}", tally,
                             names=os.path.basename(self.victim))
                self.refused(f"ls with {replacement.decode()}", tally, args=("ls",), allowed=(4,))
        tally.report()
        self.write(self.victim, self.original)
        self.assertIntact()

    def test_rollback_to_an_older_copy(self):
        tally = Tally("secret file, older copy put back")
        old = self.original
        self.vx.set("victim/secret", b"the-rotated-value")
        self.write(self.victim, old)
        r = self.refused("rollback", tally, allowed=(4,), names=os.path.basename(self.victim))
        self.assertIn(b"rolled back", r.stderr)
        self.refused("rollback under ls", tally, args=("ls",), allowed=(4,))
        with open(os.path.join(self.vx.store, "vaultx.toml"), "w") as f:
            f.write('[scopes.all]\nsecrets = ["victim/*"]\n')
        self.refused("rollback under exec", tally, allowed=(125,),
                     args=("exec", "--scope", "all", "--", "/bin/true"))
        tally.report()
        # The way back is documented in the message: rm, then set again.
        self.vx.ok(["rm", "victim/secret"])
        self.vx.set("victim/secret", b"set-again")
        self.assertEqual(self.vx.get("victim/secret"), b"set-again")

    def test_rollback_seen_by_a_reader_only(self):
        # Another machine wrote version 2; this one only read it. Copying the
        # state dir away simulates "this machine" not having written anything.
        other = vxtest.Vx()
        self.addCleanup(other.cleanup)
        self.vx.set("victim/secret", b"version-two")
        shutil.rmtree(self.vx.state)
        self.assertEqual(self.vx.get("victim/secret"), b"version-two")  # marks version 2 as seen
        self.write(self.victim, self.original)
        tally = Tally("older copy after a read")
        self.refused("rollback after read", tally, allowed=(4,))
        tally.report()

    def test_files_swapped_and_copied(self):
        tally = Tally("secret files swapped or copied over each other")
        other = next(p for p in self.vx.secret_files() if p != self.victim)
        other_data = self.read(other)
        self.write(self.victim, other_data)
        self.write(other, self.original)
        self.refused("swapped: victim", tally, names=os.path.basename(self.victim))
        self.refused("swapped: other", tally, args=("get", "other/secret"), names=os.path.basename(other))
        self.write(other, other_data)
        self.refused("copied over", tally, names=os.path.basename(self.victim))
        tally.report()
        self.write(self.victim, self.original)
        self.assertIntact()

    def test_every_byte_of_the_key_file_changed(self):
        tally = Tally("key file, each byte changed in turn")
        key = self.vx.key_file()
        for offset in range(0, len(self.key_original), STRIDE):
            data = bytearray(self.key_original)
            data[offset] = data[offset] ^ 0x01 if data[offset] != 0x0a else 0x20
            self.write(key, bytes(data))
            self.refused(f"key file byte {offset} changed", tally)
        tally.report()
        self.write(key, self.key_original)
        self.assertIntact()

    def test_key_file_weakened_or_replaced(self):
        tally = Tally("key file weakened or replaced")
        key = self.vx.key_file()
        text = self.key_original.decode()
        kdf_line = next(line for line in text.split("\n") if line.startswith("kdf "))
        for weak in ("kdf argon2id v=19 m=8 t=1 p=1", "kdf argon2id v=19 m=1024 t=1 p=1",
                     "kdf argon2id v=19 m=8192 t=0 p=1", "kdf argon2id v=16 m=8192 t=1 p=1",
                     "kdf argon2id v=19 m=65536 t=3 p=4", "kdf argon2id v=19 m=8192 t=1 p=2"):
            if weak == kdf_line:
                continue
            self.write(key, text.replace(kdf_line, weak).encode())
            self.refused(f"{weak}", tally)
        for length in range(0, len(self.key_original), 7):
            self.write(key, self.key_original[:length])
            self.refused(f"key file truncated to {length}", tally)
        # A key file of another store under the same passphrase.
        twin = vxtest.Vx()
        self.addCleanup(twin.cleanup)
        twin.init()
        self.write(key, self.read(twin.key_file()))
        self.refused("foreign key file", tally, allowed=(4,), names="key file")
        os.unlink(key)
        self.refused("key file removed", tally, allowed=(3,))
        tally.report()
        self.write(key, self.key_original)
        self.assertIntact()

    def test_store_header_replaced(self):
        tally = Tally("store header replaced")
        twin = vxtest.Vx()
        self.addCleanup(twin.cleanup)
        twin.init()
        header = os.path.join(self.vx.store, "vaultx-store")
        original = self.read(header)
        self.write(header, self.read(os.path.join(twin.store, "vaultx-store")))
        self.refused("foreign header", tally, allowed=(4,))
        for offset in range(0, len(original), STRIDE):
            data = bytearray(original)
            data[offset] = data[offset] ^ 0x01 if data[offset] != 0x0a else 0x20
            self.write(header, bytes(data))
            self.refused(f"header byte {offset}", tally)
        tally.report()
        self.write(header, original)
        self.assertIntact()


if __name__ == "__main__":
    vxtest.main()
