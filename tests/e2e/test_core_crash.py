"""Crash safety: SIGKILL a writer at a random instant; the store must hold the
old value or the new one, never an error, and no stray file."""
import os
import random
import re
import signal
import time

import vxtest

ITERATIONS = int(os.environ.get("VX_CRASH_ITERATIONS", "40"))
SECRET_FILE = re.compile(r"^[0-9a-f]{32}\.secret$")


class CrashTests(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        seed = int(os.environ.get("VX_SEED", str(int(time.time()))))
        print(f"\n(seed {seed}; rerun with VX_SEED={seed})", flush=True)
        self.rng = random.Random(seed)
        self.vx.init()

    def assertNoStrayFile(self, allow_temporaries=True):
        entries = os.listdir(self.vx.secrets_dir())
        stray = [n for n in entries if not SECRET_FILE.match(n) and not (allow_temporaries and n.startswith(".tmp-"))]
        self.assertEqual(stray, [], "unexpected file in secrets/")
        return [n for n in entries if SECRET_FILE.match(n)]

    def kill_after(self, proc, delay):
        """SIGKILLs proc after `delay` seconds unless it ended; returns its exit status."""
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.002)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        return proc.returncode

    def timed_set(self, name, value):
        start = time.monotonic()
        self.vx.set(name, value)
        return time.monotonic() - start

    def test_sigkill_during_set(self):
        body = self.rng.randbytes(512 * 1024)
        current = b"initial-" + body
        duration = max(self.timed_set("big", current), self.timed_set("big", current + b"!"))
        current += b"!"
        before = {p: d for p, d in self.vx.snapshot().items() if not p.endswith(".secret")}
        outcomes = {"killed": 0, "finished": 0, "new value seen after kill": 0, "temporary left by kill": 0}
        for i in range(ITERATIONS):
            new = f"iteration-{i}-".encode() + body
            proc = self.vx.spawn(["set", "--raw", "big"])
            proc.stdin.write(new)
            proc.stdin.close()
            # Most of a set is process start and Argon2id; aim most kills at the write at its end.
            status = self.kill_after(proc, duration * self.rng.choice([self.rng.uniform(0, 1.2),
                                                                       self.rng.uniform(0.6, 1.1)]))
            proc.stdout.close()
            proc.stderr.close()
            outcomes["temporary left by kill"] += any(n.startswith(".tmp-") for n in os.listdir(self.vx.secrets_dir()))
            r = self.vx.run(["get", "--raw", "big"])
            self.assertExit(r, 0, f"iteration {i}: get after the kill")
            if status == 0:
                outcomes["finished"] += 1
                self.assertEqual(r.stdout, new, f"iteration {i}: a finished set must be visible")
            else:
                self.assertEqual(status, -signal.SIGKILL, f"iteration {i}")
                outcomes["killed"] += 1
                self.assertIn(r.stdout, (current, new), f"iteration {i}: neither the old nor the new value")
                outcomes["new value seen after kill"] += r.stdout == new
            current = r.stdout
            self.assertEqual(len(self.assertNoStrayFile()), 1, f"iteration {i}")
        print(f"({outcomes})", flush=True)
        self.assertGreater(outcomes["killed"], 0, "no kill landed: the test proved nothing")
        # The next successful write clears any temporary a killed writer left.
        self.vx.set("big", b"final")
        self.assertEqual(self.vx.get("big"), b"final")
        self.assertNoStrayFile(allow_temporaries=False)
        self.assertEqual({p: d for p, d in self.vx.snapshot().items() if not p.endswith(".secret")}, before)
        self.assertEqual(self.vx.ok(["ls"]).stdout, b"big\n")

    def test_sigkill_during_passwd(self):
        self.vx.set("k", b"value")
        passphrases = [vxtest.PASSPHRASE]
        start = time.monotonic()
        self.vx.ok(["passwd"], env={"VAULTX_NEW_PASSPHRASE": "warmup-passphrase"})
        duration = time.monotonic() - start
        passphrases.append("warmup-passphrase")
        self.vx.env["VAULTX_PASSPHRASE"] = passphrases[-1]
        for i in range(10):
            new = f"passphrase-{i}"
            proc = self.vx.spawn(["passwd"], env={"VAULTX_NEW_PASSPHRASE": new})
            proc.stdin.close()
            self.kill_after(proc, self.rng.uniform(0, duration * 1.3))
            proc.stdout.close()
            proc.stderr.close()
            works = [p for p in (passphrases[-1], new)
                     if self.vx.run(["get", "--raw", "k"], env={"VAULTX_PASSPHRASE": p}).stdout == b"value"]
            self.assertEqual(len(works), 1, f"iteration {i}: exactly one of old/new must unlock: {works}")
            passphrases.append(works[0])
            self.vx.env["VAULTX_PASSPHRASE"] = works[0]
        leftovers = [p for p in self.vx.files(self.vx.store) if os.path.basename(p).startswith(".tmp")
                     and "/keys/" not in p]
        self.assertEqual(leftovers, [])

    def test_sigkill_during_mv_never_loses_the_secret(self):
        self.vx.set("a", b"moving-value")
        start = time.monotonic()
        self.vx.ok(["mv", "a", "b"])
        duration = time.monotonic() - start
        src, dst = "b", "a"
        for i in range(10):
            proc = self.vx.spawn(["mv", src, dst])
            proc.stdin.close()
            self.kill_after(proc, self.rng.uniform(0, duration * 1.3))
            proc.stdout.close()
            proc.stderr.close()
            got = {n: self.vx.run(["get", "--raw", n]) for n in (src, dst)}
            present = [n for n, r in got.items() if r.returncode == 0]
            for n, r in got.items():
                self.assertIn(r.returncode, (0, 5), r.describe())
                if r.returncode == 0:
                    self.assertEqual(r.stdout, b"moving-value")
            self.assertTrue(present, f"iteration {i}: the secret vanished")
            if len(present) == 2:  # killed between writing NEW and removing OLD: finish by hand
                self.vx.ok(["rm", src])
                present = [dst]
            src, dst = present[0], ("a" if present[0] == "b" else "b")  # move it back next time
            self.assertNoStrayFile()


if __name__ == "__main__":
    vxtest.main()
