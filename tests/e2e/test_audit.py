"""End-to-end tests of the audit trail: what each command records, the JSON
listing, tamper detection by `audit verify`, concurrent writers, and that no
value or passphrase ever reaches the trail or any other file."""

import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

VAULTX = os.environ.get("VAULTX_BIN", "vaultx")
PASSPHRASE = "correct horse audit staple"
CHEAP_KDF = ["--kdf-memory", "8M", "--kdf-time", "1", "--kdf-parallelism", "1"]


class AuditTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="vaultx-e2e-audit-")
        self.store = os.path.join(self.tmp, "store")
        self.state = os.path.join(self.tmp, "state")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("VAULTX_")}
        self.env.update(VAULTX_STORE=self.store, VAULTX_STATE_DIR=self.state, VAULTX_PASSPHRASE=PASSPHRASE)
        self.values = []
        self.run_ok("init", *CHEAP_KDF)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_vaultx(self, *args, stdin="", env=None):
        return subprocess.run([VAULTX, *args], input=stdin.encode(), capture_output=True,
                              env=env or self.env, timeout=120, start_new_session=True)

    def run_ok(self, *args, stdin=""):
        p = self.run_vaultx(*args, stdin=stdin)
        self.assertEqual(p.returncode, 0, f"vaultx {' '.join(args)}: {p.stderr.decode()}")
        return p.stdout.decode()

    def set_value(self, name, value):
        self.values.append(value)
        self.run_ok("set", name, stdin=value)

    def records(self, *filters):
        out = self.run_ok("audit", "--json", *filters)
        return [json.loads(line) for line in out.splitlines()]

    def trail_path(self):
        names = os.listdir(os.path.join(self.state, "audit"))
        self.assertEqual(len(names), 1, names)
        self.assertRegex(names[0], r"^[0-9a-f]{32}\.log$")
        return os.path.join(self.state, "audit", names[0])

    def verify(self, *args):
        return self.run_vaultx("audit", "verify", *args)


class RecordsTest(AuditTestCase):
    def test_operations_produce_records_with_the_right_fields(self):
        self.set_value("openai/api-key", "sk-test-value-0001")
        self.run_ok("get", "openai/api-key")
        self.run_ok("ls", "openai")
        self.set_value("tmp/one", "tmp-value-0002")
        self.run_ok("mv", "tmp/one", "tmp/two")
        self.values.append("rotated-value-0003")
        self.run_ok("rotate", "tmp/two", stdin="rotated-value-0003")
        self.run_ok("rm", "tmp/two")
        self.assertEqual(self.run_vaultx("get", "missing").returncode, 5)

        records = self.records()
        ops = [(r["op"], r["outcome"], r["names"]) for r in records]
        self.assertEqual(ops, [
            ("init", "ok", []),
            ("set", "ok", ["openai/api-key"]),
            ("get", "ok", ["openai/api-key"]),
            ("ls", "ok", []),
            ("set", "ok", ["tmp/one"]),
            ("mv", "ok", ["tmp/one", "tmp/two"]),
            ("rotate", "ok", ["tmp/two"]),
            ("rm", "ok", ["tmp/two"]),
            ("get", "failed", ["missing"]),
        ])
        self.assertEqual(records[3]["prefix"], "openai")
        self.assertEqual(records[-1]["reason"], "not found")
        for i, r in enumerate(records, start=1):
            self.assertEqual(r["seq"], i)
            self.assertRegex(r["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            self.assertEqual(r["uid"], os.getuid())
            self.assertIsInstance(r["pid"], int)
            self.assertRegex(r["chain"], r"^[0-9a-f]{64}$")
            self.assertNotIn("scope", r)
        self.assertIsNone(records[0]["mac"], "init does not unlock")
        self.assertTrue(all(re.fullmatch(r"[0-9a-f]{64}", r["mac"]) for r in records[1:]))

    def test_passwd_is_recorded(self):
        env = dict(self.env, VAULTX_NEW_PASSPHRASE="a new passphrase")
        p = self.run_vaultx("passwd", *CHEAP_KDF, env=env)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(self.records()[-1]["op"], "passwd")
        self.env["VAULTX_PASSPHRASE"] = "a new passphrase"
        self.assertEqual(self.verify().returncode, 0, "the audit key follows the master key, not the passphrase")

    def test_wrong_passphrase_produces_a_failed_record(self):
        self.set_value("k", "value-0004")
        env = dict(self.env, VAULTX_PASSPHRASE="not the passphrase")
        self.assertEqual(self.run_vaultx("get", "k", env=env).returncode, 3)
        last = self.records()[-1]
        self.assertEqual((last["op"], last["outcome"], last["reason"], last["names"]),
                         ("get", "failed", "wrong passphrase", ["k"]))
        self.assertIsNone(last["mac"])

    def test_no_key_source_produces_a_failed_record(self):
        env = {k: v for k, v in self.env.items() if k != "VAULTX_PASSPHRASE"}
        p = subprocess.run([VAULTX, "ls"], capture_output=True, env=env, stdin=subprocess.DEVNULL,
                           timeout=60, start_new_session=True)
        self.assertEqual(p.returncode, 3)
        last = self.records()[-1]
        self.assertEqual((last["op"], last["outcome"], last["reason"]), ("ls", "failed", "no key source"))

    def test_json_lines_parse_and_filters_apply(self):
        self.set_value("a/x", "value-0005")
        self.set_value("b/y", "value-0006")
        self.run_ok("get", "a/x")
        out = self.run_ok("audit", "--json")
        lines = out.splitlines()
        self.assertEqual(len(lines), 4)
        for line in lines:
            obj = json.loads(line)
            for field in ("time", "op", "outcome", "names", "seq", "user", "uid", "pid", "chain", "mac"):
                self.assertIn(field, obj)
            self.assertIsInstance(obj["names"], list)
        self.assertEqual([r["op"] for r in self.records("--name", "a/x")], ["set", "get"])
        self.assertEqual([r["names"] for r in self.records("--op", "set")], [["a/x"], ["b/y"]])
        self.assertEqual(len(self.records("--since", "2000-01-01")), 4)
        self.assertEqual(self.records("--since", "9999-01-01T00:00:00Z"), [])
        self.assertEqual(self.run_vaultx("audit", "--since", "yesterday").returncode, 2)

    def test_table_lists_every_record(self):
        self.set_value("a/x", "value-0007")
        out = self.run_ok("audit")
        lines = out.splitlines()
        self.assertTrue(lines[0].startswith("SEQ"))
        self.assertEqual(len(lines), 3)
        self.assertIn("a/x", lines[2])

    def test_reading_the_trail_needs_no_key(self):
        self.set_value("k", "value-0008")
        env = {k: v for k, v in self.env.items() if k != "VAULTX_PASSPHRASE"}
        p = subprocess.run([VAULTX, "audit", "--json"], capture_output=True, env=env, stdin=subprocess.DEVNULL,
                           timeout=60, start_new_session=True)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(len(p.stdout.splitlines()), 2)
        p = subprocess.run([VAULTX, "audit", "head"], capture_output=True, env=env, stdin=subprocess.DEVNULL,
                           timeout=60, start_new_session=True)
        self.assertEqual(p.returncode, 0)
        self.assertRegex(p.stdout.decode(), r"^2:[0-9a-f]{64}\n$")


class VerifyTest(AuditTestCase):
    def setUp(self):
        super().setUp()
        for i in range(4):
            self.set_value(f"svc/key-{i}", f"verify-value-{i:04d}")
        self.run_ok("get", "svc/key-1")
        with open(self.trail_path()) as f:
            self.lines = f.read().splitlines(keepends=True)
        self.assertEqual(len(self.lines), 6)

    def write(self, lines):
        with open(self.trail_path(), "w") as f:
            f.writelines(lines)

    def assert_bad(self, line, seq, kind, *args):
        p = self.verify(*args)
        self.assertEqual(p.returncode, 4, p.stderr.decode())
        err = p.stderr.decode()
        self.assertIn(f"line {line} (seq {seq})", err)
        self.assertIn(kind, err)

    def test_intact_trail_verifies(self):
        p = self.verify()
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertIn("6 record(s)", p.stdout.decode())

    def test_edited_line(self):
        self.write(self.lines[:2] + [self.lines[2].replace("svc/key-1", "svc/key-9")] + self.lines[3:])
        self.assert_bad(3, 3, "chain broken")

    def test_deleted_line(self):
        self.write(self.lines[:3] + self.lines[4:])
        self.assert_bad(4, 5, "chain broken")

    def test_inserted_line(self):
        self.write(self.lines[:3] + [self.lines[1]] + self.lines[3:])
        self.assert_bad(4, 2, "chain broken")

    def test_swapped_lines(self):
        self.write(self.lines[:2] + [self.lines[3], self.lines[2]] + self.lines[4:])
        self.assert_bad(3, 4, "chain broken")

    def test_truncation_caught_by_head(self):
        head = self.run_ok("audit", "head").strip()
        self.assertTrue(head.startswith("6:"))
        self.assertEqual(self.verify("--head", head).returncode, 0)
        self.write(self.lines[:4])
        self.assertEqual(self.verify().returncode, 0, "losing the newest records needs a checkpoint to show")
        p = self.verify("--head", head)
        self.assertEqual(p.returncode, 4)
        self.assertIn("truncated", p.stderr.decode())

    def test_bad_head_argument(self):
        self.assertEqual(self.verify("--head", "6:zz").returncode, 2)
        wrong = "3:" + "0" * 64
        self.assert_bad(3, 3, "head checkpoint mismatch", "--head", wrong)

    def test_verify_without_a_key_source_exits_3(self):
        env = {k: v for k, v in self.env.items() if k != "VAULTX_PASSPHRASE"}
        p = subprocess.run([VAULTX, "audit", "verify"], capture_output=True, env=env, stdin=subprocess.DEVNULL,
                           timeout=60, start_new_session=True)
        self.assertEqual(p.returncode, 3)
        self.assertIn("MACs", p.stderr.decode())

    def test_verify_with_a_wrong_passphrase_exits_3(self):
        env = dict(self.env, VAULTX_PASSPHRASE="wrong")
        self.assertEqual(self.run_vaultx("audit", "verify", env=env).returncode, 3)


class ConcurrencyTest(AuditTestCase):
    def test_four_concurrent_processes(self):
        self.set_value("shared", "concurrent-value-0001")
        workers, each = 4, 6

        def worker(w):
            for i in range(each):
                p = self.run_vaultx("get", "shared") if i % 2 else self.run_vaultx("ls")
                if p.returncode != 0:
                    return p.stderr.decode()
            return ""

        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            errors = [e for e in pool.map(worker, range(workers)) if e]
        self.assertEqual(errors, [])
        p = self.verify()
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        records = self.records()
        self.assertEqual(len(records), 2 + workers * each)
        self.assertEqual([r["seq"] for r in records], list(range(1, len(records) + 1)))


class NoValuesTest(AuditTestCase):
    def test_no_value_or_passphrase_anywhere(self):
        self.set_value("a", "needle-value-AAAA-0001")
        self.set_value("b/c", "needle value with spaces 0002")
        self.values.append("needle-rotated-0003")
        self.run_ok("rotate", "a", stdin="needle-rotated-0003")
        self.run_ok("get", "b/c")
        env = dict(self.env, VAULTX_PASSPHRASE="needle-wrong-passphrase-0004")
        self.run_vaultx("get", "a", env=env)
        self.run_ok("audit", "verify")
        needles = self.values + [PASSPHRASE, "needle-wrong-passphrase-0004"]
        for root in (self.state, self.store):
            for dirpath, _, files in os.walk(root):
                for name in files:
                    with open(os.path.join(dirpath, name), "rb") as f:
                        data = f.read()
                    for needle in needles:
                        for form in {needle, needle.replace(" ", "%20")}:
                            self.assertNotIn(form.encode(), data, f"{form!r} found in {dirpath}/{name}")


if __name__ == "__main__":
    unittest.main()
