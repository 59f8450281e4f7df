"""The audit trail of exec and env: one record per run with op, scope(s),
the names injected, the command (argv[0] only, never an argument) and the
exit status; nothing of the values or the arguments anywhere on disk."""

import exectest
from exectest import PY_FAST

SECRETS = {"audit/one": b"audit-value-one-6d1f0a", "audit/two": b"audit-value-two-93be47",
           "other/three": b"other-value-three-c5a2"}
CONFIG = '[scopes.aud]\nsecrets = ["audit/*"]\n\n[scopes.oth]\nenv = { THREE = "other/three" }\n'
# Passed as an argument to the child: must never be written anywhere by vaultx.
ARGUMENT = "--vaultx-e2e-distinctive-argument-e41f9b77"


class ExecAudit(exectest.SharedStoreCase):
    SECRETS = {**SECRETS, "bad/utf8": b"\xff\xfe not utf-8"}
    CONFIG = CONFIG + '\n[scopes.bad]\nsecrets = ["bad/*"]\n'

    def new_records(self, action):
        before = len(exectest.audit_records(self.vx))
        result = action()
        return result, exectest.audit_records(self.vx)[before:]

    def assertNowhereOnDisk(self, *needles):
        for path in self.vx.files():
            with open(path, "rb") as f:
                data = f.read()
            for needle in needles:
                self.assertNotIn(needle.encode() if isinstance(needle, str) else needle, data, path)

    def test_exec_leaves_one_record_with_argv0_and_status(self):
        script = "import sys; sys.exit(7)"
        r, records = self.new_records(lambda: self.vx.run(["exec", "--scope", "aud", "--", *PY_FAST, "-c", script,
                                                           ARGUMENT]))
        self.assertExit(r, 7)
        self.assertEqual(len(records), 1, records)
        rec = records[0]
        self.assertEqual(rec["op"], "exec")
        self.assertEqual(rec["outcome"], "ok")
        self.assertEqual(rec["scope"], "aud")
        self.assertEqual(rec["scopes"], ["aud"])
        self.assertEqual(sorted(rec["names"]), ["audit/one", "audit/two"])
        self.assertEqual(rec["command"], PY_FAST[0])
        self.assertEqual(rec["status"], 7)
        self.assertNowhereOnDisk(ARGUMENT, script, *SECRETS.values())

    def test_exec_of_several_scopes_records_them_all(self):
        r, records = self.new_records(lambda: self.vx.run(["exec", "-s", "aud", "-s", "oth", "--", "true", ARGUMENT]))
        self.assertExit(r, 0)
        self.assertEqual(len(records), 1, records)
        self.assertEqual(records[0]["scopes"], ["aud", "oth"])
        self.assertEqual(sorted(records[0]["names"]), ["audit/one", "audit/two", "other/three"])
        self.assertEqual((records[0]["command"], records[0]["status"]), ("true", 0))
        self.assertNowhereOnDisk(ARGUMENT)

    def test_exec_killed_by_a_signal_records_128_plus_n(self):
        r, records = self.new_records(lambda: self.vx.run(["exec", "-s", "aud", "--", "sh", "-c", "kill -9 $$",
                                                           ARGUMENT]))
        self.assertExit(r, 137)
        self.assertEqual([(x["op"], x["status"]) for x in records], [("exec", 137)])

    def test_exec_of_a_missing_command_records_127_as_failed(self):
        r, records = self.new_records(lambda: self.vx.run(["exec", "-s", "aud", "--", "vaultx-e2e-missing", ARGUMENT]))
        self.assertExit(r, 127)
        self.assertEqual(len(records), 1, records)
        self.assertEqual((records[0]["outcome"], records[0]["status"], records[0]["command"]),
                         ("failed", 127, "vaultx-e2e-missing"))
        self.assertNowhereOnDisk(ARGUMENT)

    def test_exec_with_mask_never_leaves_one_record(self):
        # vaultx is replaced by the child: the record is written before, without a status.
        r, records = self.new_records(lambda: self.vx.run(["exec", "-s", "aud", "--mask", "never", "--", "true",
                                                           ARGUMENT]))
        self.assertExit(r, 0)
        self.assertEqual([(x["op"], x["outcome"], x["command"]) for x in records], [("exec", "ok", "true")])
        self.assertNowhereOnDisk(ARGUMENT)

    def test_refused_exec_leaves_one_record(self):
        r, records = self.new_records(lambda: self.vx.run(["exec", "-s", "aud", "--", "true", ARGUMENT],
                                                          env={"VAULTX_PASSPHRASE": "wrong passphrase"}))
        self.assertExit(r, 125)
        self.assertEqual(len(records), 1, records)
        self.assertEqual((records[0]["op"], records[0]["command"]), ("exec", "true"))
        self.assertNotEqual(records[0]["outcome"], "ok")
        self.assertNowhereOnDisk(ARGUMENT, "wrong passphrase")

    def test_env_leaves_one_record(self):
        for fmt in ("shell", "dotenv", "json"):
            with self.subTest(format=fmt):
                r, records = self.new_records(lambda: self.vx.run(["env", "--scope", "aud", "--format", fmt]))
                self.assertExit(r, 0)
                self.assertEqual(len(records), 1, records)
                rec = records[0]
                self.assertEqual((rec["op"], rec["outcome"], rec["scope"], rec["scopes"]),
                                 ("env", "ok", "aud", ["aud"]))
                self.assertEqual(sorted(rec["names"]), ["audit/one", "audit/two"])
        self.assertNowhereOnDisk(*SECRETS.values())

    def test_env_that_cannot_render_leaves_a_failed_record(self):
        r, records = self.new_records(lambda: self.vx.run(["env", "--scope", "bad", "--format", "json"]))
        self.assertExit(r, 2)
        self.assertEqual(len(records), 1, records)
        self.assertEqual(records[0]["op"], "env")
        self.assertNotEqual(records[0]["outcome"], "ok")


if __name__ == "__main__":
    exectest.main()
