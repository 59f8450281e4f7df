"""Values in and out: exact bytes, newline rules, stdin only, size limit, rm, mv."""
import vxtest


class ValueTests(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        self.vx.init()

    def test_raw_round_trip_of_every_byte_value(self):
        values = {
            "bin/all-bytes": bytes(range(256)) * 4,
            "bin/nul-and-ff": b"\x00\xff\x00\xff",
            "bin/only-nul": b"\x00",
            "bin/trailing-newlines": b"line\n\n\n",
            "bin/crlf": b"a\r\n",
            "bin/leading-newline": b"\nx",
            "bin/empty": b"",
            "bin/utf8": "é€😀".encode(),
        }
        for name, value in values.items():
            self.vx.set(name, value)
        for name, value in values.items():
            with self.subTest(name=name):
                self.assertEqual(self.vx.get(name), value)

    def test_set_drops_exactly_one_trailing_newline(self):
        cases = {"one": (b"value\n", b"value"), "two": (b"value\n\n", b"value\n"), "none": (b"value", b"value"),
                 "inner": (b"a\nb\n", b"a\nb"), "just-newline": (b"\n", b"")}
        for name, (typed, stored) in cases.items():
            self.vx.set(name, typed, raw=False)
        for name, (typed, stored) in cases.items():
            with self.subTest(name=name):
                self.assertEqual(self.vx.get(name), stored)

    def test_get_prints_value_and_a_newline(self):
        self.vx.set("k", b"value-one\n", raw=False)
        self.assertEqual(self.vx.ok(["get", "k"]).stdout, b"value-one\n")
        self.assertEqual(self.vx.ok(["get", "--raw", "k"]).stdout, b"value-one")
        self.vx.set("nl", b"ends-with-newline\n")
        self.assertEqual(self.vx.ok(["get", "nl"]).stdout, b"ends-with-newline\n\n")

    def test_get_writes_nothing_but_the_value(self):
        self.vx.set("k", b"v")
        r = self.vx.ok(["get", "k"])
        self.assertEqual(r.stdout, b"v\n")
        self.assertEqual(r.stderr, b"")

    def test_positional_value_is_a_usage_error_and_not_echoed(self):
        for args in (["set", "k", "sk-in-argv-4242"], ["set", "--raw", "k", "sk-in-argv-4242"],
                     ["rotate", "k", "sk-in-argv-4242"], ["get", "k", "sk-in-argv-4242"]):
            with self.subTest(args=args):
                r = self.vx.run(args, input=b"from-stdin")
                self.assertExit(r, 2)
                self.assertNotLeaked(r, "sk-in-argv-4242")
        self.assertExit(self.vx.run(["get", "k"]), 5, "nothing may have been stored")

    def test_value_limit_is_one_mib(self):
        big = bytes(i % 251 for i in range(1024 * 1024))
        self.vx.set("big/exact", big)
        self.assertEqual(self.vx.get("big/exact"), big)
        r = self.vx.run(["set", "--raw", "big/over"], input=big + b"x")
        self.assertExit(r, 2)
        self.assertExit(self.vx.run(["get", "big/over"]), 5)

    def test_set_replaces_a_value(self):
        self.vx.set("k", b"first")
        self.vx.set("k", b"second")
        self.assertEqual(self.vx.get("k"), b"second")
        self.assertEqual(len(self.vx.secret_files()), 1)

    def test_rm_removes_one_or_several(self):
        for n in ("a", "b", "c"):
            self.vx.set(n, n.encode())
        self.vx.ok(["rm", "a"])
        self.assertExit(self.vx.run(["get", "a"]), 5)
        self.vx.ok(["rm", "b", "c"])
        self.assertEqual(self.vx.ok(["ls"]).stdout, b"")
        self.assertEqual(self.vx.secret_files(), [])

    def test_mv_keeps_value_and_history(self):
        self.vx.set("old/name", b"v1")
        self.vx.set("old/name", b"v2")
        self.vx.ok(["mv", "old/name", "new/name"])
        self.assertExit(self.vx.run(["get", "old/name"]), 5)
        self.assertEqual(self.vx.get("new/name"), b"v2")
        self.assertEqual(self.vx.ok(["ls", "--json"]).stdout.count(b'"version": 2'), 1)
        self.assertEqual(len(self.vx.secret_files()), 1)

    def test_mv_refuses_to_overwrite_without_force(self):
        self.vx.set("a", b"va")
        self.vx.set("b", b"vb")
        r = self.vx.run(["mv", "a", "b"])
        self.assertExit(r, 1)
        self.assertStderrHas(r, "'b'")
        self.assertEqual((self.vx.get("a"), self.vx.get("b")), (b"va", b"vb"))
        self.vx.ok(["mv", "--force", "a", "b"])
        self.assertEqual(self.vx.get("b"), b"va")
        self.assertExit(self.vx.run(["get", "a"]), 5)

    def test_mv_onto_itself_is_harmless(self):
        self.vx.set("a", b"va")
        self.vx.ok(["mv", "a", "a"])
        self.assertEqual(self.vx.get("a"), b"va")


if __name__ == "__main__":
    vxtest.main()
