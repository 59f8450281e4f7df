"""vaultx stale: secrets past their expiry or maximum age ([policy] max_age,
[[policy.rule]], or --max-age), exit 1 if any (a CI gate); --json; --no-key
without any passphrase. And exec: a warning per stale secret, or a refusal
with --strict.

Time cannot be faked: expiry is set in the past with `set --expires`, and age
comes from a rule of "1s" after the store is a little over a second old."""
import json
import os
import time

import exectest
from exectest import PY_FAST

FRESH_SECRETS = {
    "aws/key": b"aws-stale-value-a1b2c3",
    "aws/prod/key": b"aws-prod-stale-value-d4e5f6",
    "db/password": b"db-stale-value-778899",
    "app/token": b"app-stale-value-aabbcc",
}
JSON_FIELDS = {"name", "version", "rotated", "expires", "age_seconds", "max_age_seconds", "reason"}
FAR = '"36500d"'
SCOPES = '[scopes.aws]\nsecrets = ["aws/**"]\n\n[scopes.app]\nsecrets = ["app/*", "db/*"]\n\n'


class StaleCase(exectest.SharedStoreCase):
    def stale(self, *args, **kw):
        return self.vx.run(["stale", *args], **kw)

    def names_in_text(self, r):
        """Names quoted at the start of each line of the text listing."""
        return sorted(line.split("'")[1] for line in r.stdout.decode().splitlines())

    def listing(self, *args, **kw):
        r = self.stale("--json", *args, **kw)
        self.assertIn(r.returncode, (0, 1), r.describe())
        entries = json.loads(r.stdout)
        for e in entries:
            self.assertEqual(set(e), JSON_FIELDS, e)
        self.assertEqual(r.returncode, 1 if entries else 0, "exit 1 exactly when something is stale")
        return {e["name"]: e for e in entries}

    def exec_report(self, scope, *options, env=None):
        return self.vx.run(["exec", "--scope", scope, *options, "--", *PY_FAST, "-c", "print('child ran')"], env=env)


class Ages(StaleCase):
    SECRETS = FRESH_SECRETS
    CONFIG = SCOPES

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        time.sleep(1.2)  # every secret is now at least 1 s old

    def config(self, text):
        exectest.write_config(self.vx, SCOPES + text)

    def test_max_age_zero_lists_everything_and_exits_1(self):
        self.config("")
        r = self.stale("--max-age", "0s")
        self.assertExit(r, 1)
        self.assertEqual(self.names_in_text(r), sorted(FRESH_SECRETS))
        self.assertIn(b"past its maximum age", r.stdout)
        self.assertNotLeaked(r, *FRESH_SECRETS.values())

    def test_json_fields(self):
        self.config("")
        entries = self.listing("--max-age", "0s")
        self.assertEqual(sorted(entries), sorted(FRESH_SECRETS))
        e = entries["aws/key"]
        self.assertEqual(e["version"], 1)
        self.assertEqual(e["reason"], "max-age")
        self.assertEqual(e["max_age_seconds"], 0)
        self.assertIsNone(e["expires"])
        self.assertGreaterEqual(e["age_seconds"], 1)
        self.assertLess(e["age_seconds"], 600)
        self.assertRegex(e["rotated"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_nothing_stale_exits_0(self):
        self.config(f"[policy]\nmax_age = {FAR}\n")
        r = self.stale()
        self.assertExit(r, 0)
        self.assertEqual(r.stdout, b"")
        self.assertEqual(self.listing(), {})

    def test_no_policy_exits_0(self):
        self.config("")
        self.assertExit(self.stale(), 0)

    def test_rule_flags_only_its_secrets(self):
        self.config(f'[policy]\nmax_age = {FAR}\n\n[[policy.rule]]\nmatch = "aws/**"\nmax_age = "1s"\n')
        r = self.stale()
        self.assertExit(r, 1)
        self.assertEqual(self.names_in_text(r), ["aws/key", "aws/prod/key"])
        entries = self.listing()
        self.assertEqual(sorted(entries), ["aws/key", "aws/prod/key"])
        self.assertEqual({e["max_age_seconds"] for e in entries.values()}, {1})

    def test_first_matching_rule_wins(self):
        self.config(f'[[policy.rule]]\nmatch = "aws/prod/*"\nmax_age = {FAR}\n\n'
                    '[[policy.rule]]\nmatch = "aws/**"\nmax_age = "1s"\n')
        self.assertEqual(sorted(self.listing()), ["aws/key"])

    def test_command_line_max_age_overrides_the_policy(self):
        self.config('[policy]\nmax_age = "1s"\n')
        self.assertEqual(len(self.listing()), len(FRESH_SECRETS))
        self.assertEqual(self.listing("--max-age", "3650d"), {})

    def test_bad_max_age_is_a_usage_error(self):
        self.config("")
        for bad in ("90", "ninety days", "-1d", "1y", ""):
            with self.subTest(value=bad):
                r = self.stale("--max-age", bad)
                self.assertExit(r, 2)
                self.assertEqual(r.stdout, b"")

    def test_no_key_needs_no_passphrase(self):
        self.config('[policy]\nmax_age = "1s"\n')
        r = self.stale("--no-key", env={"VAULTX_PASSPHRASE": None})
        self.assertExit(r, 1)
        lines = r.stdout.decode().splitlines()
        self.assertEqual(len(lines), len(FRESH_SECRETS))
        for line in lines:
            self.assertRegex(line, r"^'secrets/[0-9a-f]+\.secret' is ")
        for name in FRESH_SECRETS:  # names are encrypted: only files can be shown
            self.assertNotIn(name.encode(), r.stdout)
        entries = self.listing("--no-key", env={"VAULTX_PASSPHRASE": None})
        self.assertEqual(len(entries), len(FRESH_SECRETS))

    def test_no_key_applies_policy_max_age_and_command_line_max_age(self):
        self.config(f"[policy]\nmax_age = {FAR}\n")
        self.assertExit(self.stale("--no-key", env={"VAULTX_PASSPHRASE": None}), 0)
        r = self.stale("--no-key", "--max-age", "0s", env={"VAULTX_PASSPHRASE": None})
        self.assertExit(r, 1)
        self.assertEqual(len(r.stdout.decode().splitlines()), len(FRESH_SECRETS))

    def test_without_no_key_a_passphrase_is_needed(self):
        self.config("")
        r = self.stale(env={"VAULTX_PASSPHRASE": None})
        self.assertExit(r, 3)

    def test_exec_warns_once_per_stale_secret_and_runs(self):
        self.config('[[policy.rule]]\nmatch = "aws/**"\nmax_age = "1s"\n')
        for mask in ("auto", "never"):
            with self.subTest(mask=mask):
                r = self.exec_report("aws", "--mask", mask)
                self.assertExit(r, 0)
                self.assertEqual(r.stdout, b"child ran\n")
                err = r.stderr.decode()
                self.assertEqual(err.count("'aws/key'"), 1, err)
                self.assertEqual(err.count("'aws/prod/key'"), 1, err)
                self.assertEqual(len(err.splitlines()), 2, err)
                self.assertIn("rotate", err)

    def test_exec_without_stale_secrets_says_nothing(self):
        self.config('[[policy.rule]]\nmatch = "aws/**"\nmax_age = "1s"\n')
        r = self.exec_report("app", "--strict")
        self.assertExit(r, 0)
        self.assertEqual(r.stderr, b"")
        self.assertEqual(r.stdout, b"child ran\n")

    def test_exec_strict_refuses_stale_secrets(self):
        self.config('[[policy.rule]]\nmatch = "aws/**"\nmax_age = "1s"\n')
        r = self.exec_report("aws", "--strict")
        self.assertExit(r, 125)
        self.assertStderrHas(r, "--strict", "aws/key", "aws/prod/key")
        self.assertEqual(r.stdout, b"", "the child must not run")
        rec = exectest.audit_records(self.vx)[-1]
        self.assertEqual((rec["op"], rec["outcome"]), ("exec", "denied"))


class Expiry(StaleCase):
    SECRETS = {"app/token": b"app-token-value-not-expired"}
    CONFIG = SCOPES

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vx.set("aws/key", b"aws-expired-value-0f0f0f", "--expires", "2020-01-31")
        cls.vx.set("db/password", b"db-expires-later-value", "--expires", "2999-01-01T00:00:00Z")

    def test_expired_secret_is_listed_as_expired(self):
        r = self.stale()
        self.assertExit(r, 1)
        self.assertEqual(self.names_in_text(r), ["aws/key"])
        self.assertIn(b"expired", r.stdout)
        entries = self.listing()
        self.assertEqual(list(entries), ["aws/key"])
        self.assertEqual(entries["aws/key"]["reason"], "expired")
        self.assertEqual(entries["aws/key"]["expires"], "2020-01-31T00:00:00Z")
        self.assertIsNone(entries["aws/key"]["max_age_seconds"])

    def test_expiry_wins_over_age(self):
        entries = self.listing("--max-age", "0s")
        self.assertEqual(entries["aws/key"]["reason"], "expired")
        self.assertEqual(entries["db/password"]["reason"], "max-age")
        self.assertEqual(entries["db/password"]["expires"], "2999-01-01T00:00:00Z")

    def test_no_key_sees_the_expiry(self):
        entries = self.listing("--no-key", env={"VAULTX_PASSPHRASE": None})
        self.assertEqual(len(entries), 1)
        (e,) = entries.values()
        self.assertEqual(e["reason"], "expired")
        self.assertRegex(e["name"], r"^secrets/[0-9a-f]+\.secret$")
        self.assertTrue(os.path.exists(os.path.join(self.vx.store, e["name"])))

    def test_exec_strict_refuses_an_expired_secret(self):
        r = self.exec_report("aws", "--strict")
        self.assertExit(r, 125)
        self.assertStderrHas(r, "aws/key", "expired")
        self.assertEqual(r.stdout, b"")
        self.assertNotLeaked(r, b"aws-expired-value-0f0f0f")

    def test_exec_warns_about_an_expired_secret_once_and_runs(self):
        r = self.exec_report("aws")
        self.assertExit(r, 0)
        self.assertEqual(r.stdout, b"child ran\n")
        err = r.stderr.decode()
        self.assertEqual(err.count("aws/key"), 2, err)  # "'aws/key' expired ... (rotate it: vaultx rotate aws/key)"
        self.assertEqual(len(err.splitlines()), 1, err)

    def test_exec_of_a_scope_without_stale_secrets_is_quiet(self):
        r = self.exec_report("app", "--strict")
        self.assertExit(r, 0)
        self.assertEqual(r.stderr, b"")


if __name__ == "__main__":
    exectest.main()
