"""vaultx exec as a supervisor: signals sent to vaultx reach the child, the
child cannot outlive a SIGKILLed vaultx (PR_SET_PDEATHSIG), and stdin reaches
the child untouched."""
import os
import signal
import subprocess

import exectest
from exectest import PY_FAST

VALUE = b"sig-test-value-5b0a2f7c19"

# Traps the signals, reports each on stdout; SIGTERM ends it with status 0.
TRAPPER = r"""
import os, signal, sys, time
def report(sig, frame):
    os.write(1, b"got %d\n" % sig)
    if sig == signal.SIGTERM:
        os._exit(0)
for s in (signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGQUIT, signal.SIGTERM):
    signal.signal(s, report)
os.write(1, b"ready %d %d\n" % (os.getpid(), os.getppid()))
while True:
    time.sleep(0.05)
"""

# Reports its pid and waits to be killed.
SLEEPER = r"""
import os, time
os.write(1, b"ready %d %d\n" % (os.getpid(), os.getppid()))
time.sleep(60)
"""


class Signals(exectest.SharedStoreCase):
    SECRETS = {"sig/value": VALUE}
    CONFIG = '[scopes.sig]\nsecrets = ["sig/*"]\n'

    def start(self, script, *options):
        proc = self.vx.spawn(["exec", "--scope", "sig", *options, "--", *PY_FAST, "-c", script],
                             stdin=subprocess.DEVNULL, preexec_fn=exectest.default_signals)
        self.addCleanup(self.stop, proc)
        reader = exectest.LineReader(proc.stdout.fileno())
        ready = reader.line().split()
        self.assertEqual(ready[0], b"ready", ready)
        return proc, reader, int(ready[1]), int(ready[2])

    @staticmethod
    def stop(proc):
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream:
                stream.close()

    def test_signals_sent_to_vaultx_reach_the_child(self):
        for options in ((), ("--mask", "always")):
            with self.subTest(options=options):
                proc, reader, child, parent = self.start(TRAPPER, *options)
                self.assertEqual(parent, proc.pid, "the child of a supervising vaultx is vaultx's child")
                for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGQUIT,
                            signal.SIGTERM):
                    proc.send_signal(sig)
                    self.assertEqual(reader.line(), b"got %d" % sig, f"{sig.name} did not reach the child")
                _, err = proc.communicate(timeout=30)
                self.assertEqual(proc.returncode, 0, err)  # the child's own status: it survived every signal
                self.assertTrue(exectest.wait_gone(child))

    def test_sigterm_that_kills_the_child_exits_143(self):
        proc, _, child, _ = self.start(SLEEPER)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 128 + signal.SIGTERM)
        self.assertTrue(exectest.wait_gone(child))

    def test_sigint_and_sighup_that_kill_the_child(self):
        for sig in (signal.SIGINT, signal.SIGHUP):
            with self.subTest(signal=sig.name):
                # Python turns SIGINT into KeyboardInterrupt: restore the default so that it kills.
                script = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_DFL)\n" + SLEEPER
                proc, _, child, _ = self.start(script)
                proc.send_signal(sig)
                proc.communicate(timeout=30)
                self.assertEqual(proc.returncode, 128 + sig)
                self.assertTrue(exectest.wait_gone(child))

    def test_sigkill_of_vaultx_leaves_no_child(self):
        for options in ((), ("--mask", "always")):
            with self.subTest(options=options):
                proc, _, child, _ = self.start(SLEEPER, *options)
                self.assertFalse(exectest.process_gone(child))
                proc.kill()
                proc.wait(timeout=30)
                self.assertTrue(exectest.wait_gone(child, timeout=10),
                                f"child {child} still runs after vaultx was killed")


class Stdin(exectest.SharedStoreCase):
    SECRETS = {"sig/value": VALUE, "sig/other": b"second-value-for-stdin-0a9d"}
    CONFIG = '[scopes.sig]\nsecrets = ["sig/*"]\n'

    def test_binary_stdin_passes_through_cat_untouched(self):
        data = os.urandom(8 << 20) + bytes(range(256)) * 64 + b"\0\r\n\x1b[0m\x04\x03"
        # The masking redactor sees every byte: make sure no form of a value is in the data.
        self.assertNotIn(VALUE[:8], data)
        for mask in ("auto", "always", "never"):
            with self.subTest(mask=mask):
                r = self.vx.run(["exec", "--scope", "sig", "--mask", mask, "--", "cat"], input=data)
                self.assertExit(r, 0)
                self.assertEqual(len(r.stdout), len(data))
                self.assertTrue(r.stdout == data, "the stream changed on its way through vaultx exec")

    def test_stdin_reaches_the_child_while_it_runs(self):
        script = "import sys\nfor line in sys.stdin:\n    print('echo:' + line.strip(), flush=True)\n"
        proc = self.vx.spawn(["exec", "--scope", "sig", "--", *PY_FAST, "-c", script])
        self.addCleanup(Signals.stop, proc)
        reader = exectest.LineReader(proc.stdout.fileno())
        for i in range(3):
            proc.stdin.write(b"line %d\n" % i)
            proc.stdin.flush()
            self.assertEqual(reader.line(), b"echo:line %d" % i)
        proc.stdin.close()
        self.assertEqual(reader.rest(), b"")
        self.assertEqual(proc.wait(timeout=30), 0)


if __name__ == "__main__":
    exectest.main()
