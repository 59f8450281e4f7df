"""Process hygiene: the vaultx process that holds keys and values while a
masked `exec` runs cannot be read by other processes of the same user, and
never dumps core.

The store and the vaultx process belong to an unprivileged user (nobody); a
second process of that same user then tries to read vaultx's environment and
memory through /proc. Needs root (to become nobody) and setpriv(1); skipped
otherwise.
"""
import os
import pwd
import shutil
import subprocess
import time
import unittest

import exectest
import vxtest

SECRET = b"hygiene-secret-value-7f3a9c"


def can_switch_user():
    return os.geteuid() == 0 and shutil.which("setpriv") is not None


@unittest.skipUnless(can_switch_user(), "needs root and setpriv to act as another user")
class ProcessHygieneTests(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        self.user = pwd.getpwnam("nobody")
        self.vx.init()
        self.vx.set("app/token", SECRET)
        exectest.write_config(self.vx, '[scopes.app]\nsecrets = ["app/*"]\n')
        for d, dirs, files in os.walk(self.vx.root):
            for n in [d, *(os.path.join(d, x) for x in dirs + files)]:
                os.chown(n, self.user.pw_uid, self.user.pw_gid)

    def as_nobody(self):
        return ["setpriv", f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}", "--clear-groups"]

    def start_masked_exec(self):
        p = subprocess.Popen([*self.as_nobody(), self.vx.bin, "exec", "--scope", "app", "--mask", "always", "--",
                              "/bin/sleep", "30"],
                             env=self.vx.environment({"HOME": self.vx.home}), cwd=self.vx.root,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        self.addCleanup(lambda: (p.kill(), p.communicate()))
        # setpriv execs vaultx in place: p.pid is vaultx once its name says so.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with open(f"/proc/{p.pid}/comm") as f:
                    if f.read().strip() == "vaultx" and self.children_of(p.pid):
                        return p
            except FileNotFoundError:
                pass
            time.sleep(0.05)
        self.fail("vaultx exec did not start its child: " + p.stderr.read().decode() if p.poll() is not None else "")

    @staticmethod
    def children_of(pid):
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                return [int(x) for x in f.read().split()]
        except FileNotFoundError:
            return []

    def test_vaultx_is_not_dumpable_and_has_no_core_limit(self):
        p = self.start_masked_exec()
        with open(f"/proc/{p.pid}/status") as f:
            status = f.read()
        self.assertIn(f"Uid:\t{self.user.pw_uid}", status, "vaultx must run as the unprivileged user")
        # A non-dumpable process's /proc files belong to root, not to its user.
        for entry in ("environ", "mem", "maps"):
            self.assertEqual(os.stat(f"/proc/{p.pid}/{entry}").st_uid, 0, f"/proc/PID/{entry} must be root's")
        with open(f"/proc/{p.pid}/limits") as f:
            core = next(line for line in f if line.startswith("Max core file size"))
        self.assertEqual(core.split()[4:6], ["0", "0"], core)

    def test_same_user_cannot_read_its_environment_or_memory(self):
        p = self.start_masked_exec()
        for entry in ("environ", "mem", "cmdline"):
            r = subprocess.run([*self.as_nobody(), "/bin/cat", f"/proc/{p.pid}/{entry}"], capture_output=True)
            if entry == "cmdline":
                # cmdline stays readable (ps needs it) and holds no secret.
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertNotIn(SECRET, r.stdout)
                continue
            self.assertNotEqual(r.returncode, 0, f"nobody read /proc/PID/{entry} of its own vaultx")
            self.assertIn(b"Permission denied", r.stderr)
            self.assertNotIn(SECRET, r.stdout)
        # The child itself is an ordinary process: it has the secret, as it should.
        child = self.children_of(p.pid)[0]
        r = subprocess.run([*self.as_nobody(), "/bin/cat", f"/proc/{child}/environ"], capture_output=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"APP_TOKEN=" + SECRET, r.stdout)


if __name__ == "__main__":
    vxtest.main()
