"""vaultx doctor on a real git project: a clean one passes; a fixture with
each problem planted fails exactly the checks it should, naming the files."""
import json
import os
import subprocess

import vxtest

TOKEN = "sk-live-Doctor/Test+value"

CLEAN_FILES = {
    ".gitignore": ".env*\n!.env.example\n",
    ".env.example": "OPENAI_API_KEY=\n",
    "app.py": "import os\nkey = os.environ['OPENAI_API_KEY']\n",
    "requirements.txt": "requests==2.31.0 \\\n    --hash=sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f\n",
    "web/package.json": '{"name": "web", "dependencies": {"left-pad": "1.3.0"}}\n',
    "web/package-lock.json": '{"lockfileVersion": 3, "packages": {"node_modules/left-pad": {'
                             '"resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz", '
                             '"integrity": "sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQEAP5ueWbtnt2VH7hPbdJ8c0EsUe28A6Ha"}}}\n',
}


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=cwd, check=True,
                   capture_output=True)


class DoctorTest(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        self.vx.init()
        self.vx.set("openai/api-key", TOKEN)
        self.project = os.path.join(self.vx.root, "project")
        os.makedirs(self.project)
        self.write_all(CLEAN_FILES)
        git(self.project, "init", "-q")
        git(self.project, "add", "-A")
        git(self.project, "commit", "-qm", "start")

    def write_all(self, files):
        for rel, text in files.items():
            path = os.path.join(self.project, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)

    def doctor(self, *extra, env=None):
        # The identity of a real deployment: no passphrase in the environment.
        r = self.vx.run(["doctor", "--json", *extra, "project"],
                        env={"VAULTX_PASSPHRASE": None, "VAULTX_PASSPHRASE_FILE": self.passphrase_file(), **(env or {})})
        report = json.loads(r.stdout)
        return r, report, {c["id"]: c for c in report["checks"]}

    def passphrase_file(self):
        path = os.path.join(self.vx.root, "passphrase")
        with open(path, "w") as f:
            f.write(vxtest.PASSPHRASE)
        os.chmod(path, 0o600)
        return path

    def test_clean_project_passes(self):
        r, report, checks = self.doctor()
        self.assertExit(r, 0)
        self.assertTrue(report["ok"])
        self.assertEqual(sorted(checks), ["agent", "dependency-pins", "env-files", "permissions", "stale",
                                          "stored-values", "unlock-sources"])
        for name in ("dependency-pins", "env-files", "permissions", "stale", "stored-values", "unlock-sources"):
            self.assertEqual(checks[name]["status"], "pass", checks[name])
        self.assertEqual(checks["agent"]["status"], "skip")
        text = self.vx.run(["doctor", "project"], env={"VAULTX_PASSPHRASE": None,
                                                       "VAULTX_PASSPHRASE_FILE": self.passphrase_file()})
        self.assertExit(text, 0)
        self.assertIn(b"6 passed, 0 failed, 1 skipped", text.stdout)

    def test_each_planted_problem_fails_its_check(self):
        self.write_all({
            ".env.production": "OPENAI_API_KEY=" + TOKEN + "\n",   # tracked below
            "config/settings.py": "API_KEY = '" + TOKEN + "'\n",     # a stored value in code
            "requirements-dev.txt": "pytest>=7\n",
            "tools/package.json": '{"devDependencies": {"jest": "^29"}}\n',
            "yarn.lock": 'evil@^6:\n  version "6.6.6"\n  resolved "https://registry.yarnpkg.com/evil/-/evil-6.6.6.tgz"\n',
        })
        git(self.project, "add", "-f", ".env.production")
        with open(os.path.join(self.project, "prod.env"), "w") as f:  # untracked and not ignored
            f.write("X=1\n")
        self.vx.ok(["set", "--expires", "2020-01-01T00:00:00Z", "old/token"], input="expired-value-123")
        os.chmod(os.path.join(self.vx.store, "secrets"), 0o755)

        r, report, checks = self.doctor(env={"VAULTX_PASSPHRASE": "in-the-environment"})
        self.assertExit(r, 1)
        self.assertNotLeaked(r, TOKEN, "expired-value-123", "in-the-environment")
        self.assertFalse(report["ok"])
        failed = sorted(k for k, c in checks.items() if c["status"] == "fail")
        self.assertEqual(failed, ["dependency-pins", "env-files", "permissions", "stale", "stored-values",
                                  "unlock-sources"])
        for check in checks.values():
            if check["status"] == "fail":
                self.assertTrue(check["fix"], check)
        self.assertEqual(checks["env-files"]["findings"],
                         [".env.production: tracked by git", "prod.env: not ignored, so `git add .` would commit it"])
        self.assertEqual(sorted(checks["stored-values"]["findings"]),
                         [".env.production:1: openai/api-key", "config/settings.py:1: openai/api-key"])
        self.assertEqual(sorted(checks["dependency-pins"]["findings"]), [
            "requirements-dev.txt:1: 'pytest' has no --hash",
            "requirements-dev.txt:1: 'pytest' is not pinned to one version with ==",
            "tools/package.json: declares dependencies but no lockfile is committed beside it",
            "yarn.lock:1: 'evil@^6' has no integrity hash",
        ])
        self.assertEqual(len(checks["stale"]["findings"]), 1)
        self.assertIn("old/token", checks["stale"]["findings"][0])
        self.assertIn("secrets: mode 0755", checks["permissions"]["findings"][0])

    def test_no_store_skips_the_store_checks(self):
        r = self.vx.run(["doctor", "--json", "project"],
                        env={"VAULTX_STORE": os.path.join(self.vx.root, "none"), "VAULTX_PASSPHRASE": None})
        self.assertExit(r, 0)
        checks = {c["id"]: c for c in json.loads(r.stdout)["checks"]}
        self.assertEqual(checks["stored-values"]["status"], "skip")
        self.assertEqual(checks["stale"]["status"], "skip")

    def test_a_store_that_cannot_be_unlocked_fails_the_gate(self):
        r = self.vx.run(["doctor", "--json", "project"], env={"VAULTX_PASSPHRASE": None})
        self.assertExit(r, 1)
        checks = {c["id"]: c for c in json.loads(r.stdout)["checks"]}
        self.assertEqual(checks["stored-values"]["status"], "fail")
        self.assertIn("could not unlock", checks["stored-values"]["summary"])

    def test_missing_directory(self):
        r = self.vx.run(["doctor", "no-such-dir"])
        self.assertExit(r, 5)


if __name__ == "__main__":
    vxtest.main()
