"""Secret names: the rule of DESIGN.md (exit 2), its edges, and not-found (exit 5)."""
import vxtest

BAD_NAMES = {
    "dot-dot": "../x",
    "dot-dot-inside": "a/../b",
    "dot-dot-alone": "..",
    "dot-alone": ".",
    "empty-segment": "a//b",
    "dot-segment": "a/./b",
    "empty": "",
    "absolute": "/abs",
    "trailing-slash": "a/",
    "256-bytes": "x" * 256,
    "256-bytes-with-slashes": "ab/" * 85 + "x",
    "space": "sp ace",
    "control-byte": "ctl\x01x",
    "tab": "tab\tx",
    "newline": "new\nline",
    "backslash": "back\\slash",
    "non-ascii": "caf\u00e9",
    "star": "glob*",
    "colon": "c:d",
}


class NameTests(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        self.vx.init()
        self.vx.set("existing", b"existing-value")

    def test_bad_names_exit_2_for_set_get_rm(self):
        for label, name in BAD_NAMES.items():
            for cmd in (["set", name], ["get", name], ["rm", name], ["rotate", name]):
                with self.subTest(label=label, cmd=cmd[0]):
                    r = self.vx.run(cmd, input=b"some-value")
                    self.assertExit(r, 2)
                    self.assertEqual(r.stdout, b"")
                    self.assertIn(b"name", r.stderr.lower(), r.describe())
        self.assertEqual(self.vx.ok(["ls"]).stdout, b"existing\n")
        self.assertEqual(len(self.vx.secret_files()), 1)

    def test_bad_names_exit_2_for_mv_either_side(self):
        for label in ("dot-dot", "empty", "absolute", "space"):
            name = BAD_NAMES[label]
            with self.subTest(label=label):
                self.assertExit(self.vx.run(["mv", "existing", name]), 2)
                self.assertExit(self.vx.run(["mv", name, "existing2"]), 2)
        self.assertEqual(self.vx.get("existing"), b"existing-value")

    def test_bad_names_are_refused_before_unlocking(self):
        # A usage error must not depend on having the passphrase.
        r = self.vx.run(["get", "../x"], env={"VAULTX_PASSPHRASE": None})
        self.assertExit(r, 2)

    def test_255_bytes_is_accepted(self):
        names = ["y" * 255, "ab/" * 84 + "xyz", "A-Z.a_z/0-9/" + "q" * 243]
        for name in names:
            self.assertEqual(len(name.encode()), 255)
            self.vx.set(name, name[-20:].encode())
        for name in names:
            with self.subTest(name=name[:20]):
                self.assertEqual(self.vx.get(name), name[-20:].encode())
        listed = self.vx.ok(["ls"]).stdout.decode().splitlines()
        self.assertEqual(listed, sorted(names + ["existing"]))
        self.vx.ok(["rm", names[0]])
        self.assertExit(self.vx.run(["get", names[0]]), 5)

    def test_legal_odd_names(self):
        names = ["a.b", "-dash", "_u", "a..b", ".hidden", "x/.y", "...", "UPPER/lower/09"]
        for name in names:
            self.vx.ok(["set", "--raw", "--", name], input=name.encode())
        for name in names:
            with self.subTest(name=name):
                self.assertEqual(self.vx.ok(["get", "--raw", "--", name]).stdout, name.encode())

    def test_names_are_case_sensitive(self):
        self.vx.set("Key", b"upper")
        self.vx.set("key", b"lower")
        self.assertEqual((self.vx.get("Key"), self.vx.get("key")), (b"upper", b"lower"))

    def test_not_found_exits_5(self):
        for cmd in (["get", "nope"], ["rm", "nope"], ["rotate", "nope"], ["rotate", "--generate", "nope"],
                    ["mv", "nope", "other"], ["get", "existing/child"], ["rm", "existing", "nope"]):
            with self.subTest(cmd=cmd):
                r = self.vx.run(cmd, input=b"new-value")
                self.assertExit(r, 5)
                self.assertEqual(r.stdout, b"")
                self.assertStderrHas(r, "'nope'" if "nope" in cmd else "'existing/child'")
        self.assertExit(self.vx.run(["get", "other"]), 5, "rotate or mv must not create a secret")

    def test_rm_of_several_stops_at_the_missing_one(self):
        self.vx.set("first", b"1")
        r = self.vx.run(["rm", "first", "nope"])
        self.assertExit(r, 5)
        self.assertExit(self.vx.run(["get", "first"]), 5)


if __name__ == "__main__":
    vxtest.main()
