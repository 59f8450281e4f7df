"""Generated values, expiry dates, listing (prefix, --long, --json) and versions."""
import datetime
import json
import re
import time

import vxtest

ALPHABET = re.compile(rb"^[A-Za-z0-9]+$")
RFC3339_UTC = "%Y-%m-%dT%H:%M:%SZ"


def parse_utc(text):
    return datetime.datetime.strptime(text, RFC3339_UTC).replace(tzinfo=datetime.timezone.utc)


def without_age(entry):
    """An ls --json entry without the fields that change with the clock."""
    return {k: v for k, v in entry.items() if k != "age_seconds"}


class MetadataTests(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        self.vx.init()

    def ls_json(self, *args):
        return json.loads(self.vx.ok(["ls", "--json", *args]).stdout)

    def entry(self, name):
        entries = [e for e in self.ls_json() if e["name"] == name]
        self.assertEqual(len(entries), 1, name)
        return entries[0]

    # -- --generate

    def test_generate_default_and_given_length(self):
        for args, length in ((["--generate"], 32), (["--generate=12"], 12), (["--generate=1"], 1),
                             (["--generate=4096"], 4096)):
            with self.subTest(args=args):
                r = self.vx.ok(["set", *args, "gen"], input=b"ignored stdin")
                self.assertEqual(r.stdout, b"", "a generated value is not printed")
                value = self.vx.get("gen")
                self.assertEqual(len(value), length)
                self.assertRegex(value, ALPHABET)

    def test_generated_values_differ_and_use_the_whole_alphabet(self):
        seen = set()
        for i in range(4):
            self.vx.ok(["set", "--generate=1024", f"g{i}"])
            seen.add(self.vx.get(f"g{i}"))
        self.assertEqual(len(seen), 4)
        chars = set(b"".join(seen))
        # 4096 draws from 62 symbols: every symbol is expected (~1e-27 chance of missing one).
        self.assertEqual(chars, set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))

    def test_rotate_generate(self):
        self.vx.set("k", b"old")
        self.vx.ok(["rotate", "--generate=20", "k"])
        value = self.vx.get("k")
        self.assertEqual(len(value), 20)
        self.assertRegex(value, ALPHABET)

    def test_generate_bad_lengths_exit_2(self):
        # CLI11 would read "true" or "1x" as 1 and silently make a one-character secret.
        for arg in ("--generate=0", "--generate=4097", "--generate=-3", "--generate=abc", "--generate=true",
                    "--generate=yes", "--generate=1x", "--generate=12.5", "--generate=0x10", "--generate=1e2"):
            with self.subTest(arg=arg):
                r = self.vx.run(["set", arg, "gen"])
                self.assertExit(r, 2)
                self.assertExit(self.vx.run(["get", "gen"]), 5)

    # -- --expires

    def test_expires_accepted_formats(self):
        cases = {
            "2027-01-31": "2027-01-31T00:00:00Z",
            "2027-01-31T12:00:00Z": "2027-01-31T12:00:00Z",
            "2027-01-31T12:00:00+02:00": "2027-01-31T10:00:00Z",
            "2027-01-31T23:30:00-02:00": "2027-02-01T01:30:00Z",
            "2028-02-29": "2028-02-29T00:00:00Z",
        }
        for i, (text, stored) in enumerate(cases.items()):
            with self.subTest(text=text):
                self.vx.ok(["set", "--expires", text, f"e{i}"], input=b"v")
                self.assertEqual(self.entry(f"e{i}")["expires"], stored)

    def test_expires_bad_formats_exit_2(self):
        for text in ("2027-13-01", "2027-02-30", "2027-02-29", "tomorrow", "31/01/2027", "2027-1-31",
                     "2027-01-31T25:00:00Z", "2027-01-31T12:00Z", "", "90d", "2027-01-31Tfoo"):
            with self.subTest(text=text):
                r = self.vx.run(["set", "--expires", text, "bad"], input=b"v")
                self.assertExit(r, 2)
                self.assertStderrHas(r, "--expires")
        self.assertEqual(self.ls_json(), [])

    def test_expires_never_clears_and_new_value_drops_expiry(self):
        self.vx.ok(["set", "--expires", "2030-01-01", "k"], input=b"v1")
        self.assertEqual(self.entry("k")["expires"], "2030-01-01T00:00:00Z")
        self.vx.ok(["set", "k"], input=b"v1")  # same value, no option: expiry kept
        self.assertEqual(self.entry("k")["expires"], "2030-01-01T00:00:00Z")
        self.vx.ok(["set", "--expires", "never", "k"], input=b"v1")
        self.assertIsNone(self.entry("k")["expires"])
        self.vx.ok(["set", "--expires", "2030-01-01", "k"], input=b"v1")
        self.vx.ok(["set", "k"], input=b"v2")  # a new credential does not inherit the old one's expiry
        self.assertIsNone(self.entry("k")["expires"])
        self.assertEqual(self.vx.get("k"), b"v2")

    # -- ls

    def test_ls_prefix_is_by_segment(self):
        names = ["a", "a/b", "a/b/c", "ab", "ab/c", "a-b", "a.b", "b/a"]
        for n in names:
            self.vx.set(n, n.encode())
        cases = {
            (): sorted(names),
            ("a",): ["a", "a/b", "a/b/c"],
            ("a/",): ["a", "a/b", "a/b/c"],
            ("a/b",): ["a/b", "a/b/c"],
            ("ab",): ["ab", "ab/c"],
            ("b",): ["b/a"],
            ("a/b/c",): ["a/b/c"],
            ("nothing",): [],
            ("a/b/c/d",): [],
        }
        for args, want in cases.items():
            with self.subTest(prefix=args):
                self.assertEqual(self.vx.ok(["ls", *args]).stdout.decode().splitlines(), want)
                self.assertEqual([e["name"] for e in self.ls_json(*args)], want)

    def test_ls_sorted_bytewise(self):
        names = ["b", "B", "a/z", "a", "A/a", "_x", "0", "a-"]
        for n in names:
            self.vx.set(n, b"v")
        self.assertEqual(self.vx.ok(["ls"]).stdout.decode().splitlines(), sorted(names))

    def test_ls_bad_prefix_exits_2(self):
        for prefix in ("../x", "a//b", "/abs", "sp ace"):
            with self.subTest(prefix=prefix):
                self.assertExit(self.vx.run(["ls", prefix]), 2)

    def test_ls_empty_store(self):
        self.assertEqual(self.vx.ok(["ls"]).stdout, b"")
        self.assertEqual(self.ls_json(), [])
        self.assertEqual(json.loads(self.vx.ok(["ls", "--long", "--json"]).stdout), [])

    def test_ls_json_fields(self):
        start = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        self.vx.set("x/one", b"1")
        self.vx.ok(["set", "--expires", "2031-05-06T07:08:09Z", "x/two"], input=b"2")
        end = datetime.datetime.now(datetime.timezone.utc)
        for args in ((), ("--long",)):
            with self.subTest(args=args):
                entries = self.ls_json(*args)
                self.assertEqual([e["name"] for e in entries], ["x/one", "x/two"])
                for e in entries:
                    self.assertIsInstance(e["version"], int)
                    self.assertEqual(e["version"], 1)
                    for field in ("created", "rotated"):
                        self.assertLessEqual(start, parse_utc(e[field]))
                        self.assertLessEqual(parse_utc(e[field]), end)
                    self.assertEqual(e["created"], e["rotated"])
                self.assertIsNone(entries[0]["expires"])
                self.assertEqual(entries[1]["expires"], "2031-05-06T07:08:09Z")

    def test_ls_long_columns(self):
        self.vx.set("long/one", b"1")
        self.vx.ok(["set", "--expires", "2031-05-06", "long/two"], input=b"2")
        lines = self.vx.ok(["ls", "--long"]).stdout.decode().splitlines()
        self.assertEqual(lines[0].split(), ["NAME", "VERSION", "CREATED", "ROTATED", "AGE", "EXPIRES"])
        rows = [line.split() for line in lines[1:]]
        self.assertEqual([r[0] for r in rows], ["long/one", "long/two"])
        for r in rows:
            self.assertEqual(r[1], "1")
            parse_utc(r[2])
            parse_utc(r[3])
            self.assertRegex(r[4], r"^\d+[smhd]")
        self.assertEqual(rows[0][5], "-")
        self.assertEqual(rows[1][5], "2031-05-06T00:00:00Z")
        self.assertEqual(self.vx.ok(["ls", "-l", "long/two"]).stdout.decode().splitlines()[1].split()[0], "long/two")

    # -- versions

    def test_version_counts_changes_of_value_only(self):
        self.vx.set("k", b"v1")
        first = self.entry("k")
        self.assertEqual(first["version"], 1)
        self.vx.set("k", b"v1")
        self.assertEqual(without_age(self.entry("k")), without_age(first), "an identical set must change nothing")
        time.sleep(1.1)  # so that the rotation time differs from the creation time
        self.vx.ok(["rotate", "--raw", "k"], input=b"v2")
        second = self.entry("k")
        self.assertEqual(second["version"], 2)
        self.assertEqual(second["created"], first["created"])
        self.assertGreater(parse_utc(second["rotated"]), parse_utc(first["rotated"]))
        self.vx.set("k", b"v3")
        self.assertEqual(self.entry("k")["version"], 3)
        self.vx.ok(["rotate", "--generate", "k"])
        self.assertEqual(self.entry("k")["version"], 4)

    def test_identical_set_leaves_the_file_byte_identical(self):
        path = self.vx.new_secret_file(lambda: self.vx.set("k", b"same"))
        with open(path, "rb") as f:
            before = f.read()
        self.vx.set("k", b"same")
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_rotate_to_the_same_value_is_refused(self):
        self.vx.set("k", b"unchanged-credential-77")
        r = self.vx.run(["rotate", "--raw", "k"], input=b"unchanged-credential-77")
        self.assertExit(r, 1)
        self.assertStderrHas(r, "'k'")
        self.assertNotLeaked(r, b"unchanged-credential-77")
        self.assertEqual(self.entry("k")["version"], 1)

    def test_rotate_does_not_create(self):
        r = self.vx.run(["rotate", "--raw", "new"], input=b"v")
        self.assertExit(r, 5)
        self.assertEqual(self.ls_json(), [])


if __name__ == "__main__":
    vxtest.main()
