"""Prompts on a real terminal (a pty made the child's controlling terminal).

Prompts go to the terminal, never to stdout or stderr; typed secrets are not
echoed; the terminal's echo comes back afterwards, even after Ctrl-C.
"""
import fcntl
import os
import select
import signal
import subprocess
import termios
import time

import vxtest

VALUE = b"typed-value-on-the-tty-5512"


class Terminal:
    """A pty whose slave side becomes the controlling terminal of one vaultx process."""

    def __init__(self, vx, args, env=None, stdin_is_tty=False):
        self.master, self.slave = os.openpty()
        slave = self.slave

        def make_controlling_terminal():  # runs in the child, after setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen([vx.bin, *args], env=vx.environment(env), cwd=vx.root,
                                     stdin=slave if stdin_is_tty else subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True, preexec_fn=make_controlling_terminal)
        self.seen = b""

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            stream.close()
        os.close(self.master)
        os.close(self.slave)

    def read_until(self, needle, timeout=30):
        """Reads the terminal until `needle` has been written to it; returns what came since the last call."""
        start = len(self.seen)
        deadline = time.monotonic() + timeout
        while needle not in self.seen[start:]:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {needle!r} on the terminal; got {self.seen[start:]!r}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                self.seen += os.read(self.master, 4096)
        return self.seen[start:]

    def drain(self):
        while select.select([self.master], [], [], 0.05)[0]:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                break
            if not chunk:
                break
            self.seen += chunk

    def echo_on(self):
        return bool(termios.tcgetattr(self.slave)[3] & termios.ECHO)

    def type(self, text):
        os.write(self.master, text)

    def finish(self, timeout=60):
        out, err = self.proc.communicate(timeout=timeout)
        self.drain()
        return vxtest.Result(self.proc.args[1:], self.proc.returncode, out, err)


class TerminalTests(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        self.vx.init()
        self.vx.set("k", VALUE)

    def terminal(self, args, **kw):
        t = Terminal(self.vx, args, **kw)
        self.addCleanup(t.close)
        return t

    def assertQuietOutput(self, r, *secrets):
        self.assertEqual(r.stderr, b"", r.describe())
        self.assertNotIn(b"assphrase", r.stdout, "a prompt reached stdout")
        self.assertNotLeaked(r, *secrets)

    def test_get_prompts_on_the_terminal_with_echo_off(self):
        t = self.terminal(["get", "k"], env={"VAULTX_PASSPHRASE": None})
        prompt = t.read_until(b": ")
        self.assertIn(b"Passphrase", prompt)
        self.assertIn(self.vx.store.encode(), prompt)
        self.assertFalse(t.echo_on(), "echo must be off while the passphrase is typed")
        t.type(vxtest.PASSPHRASE.encode() + b"\n")
        r = t.finish()
        self.assertExit(r, 0)
        self.assertEqual(r.stdout, VALUE + b"\n")
        self.assertQuietOutput(r)
        self.assertNotIn(vxtest.PASSPHRASE.encode(), t.seen, "the passphrase was echoed")
        self.assertNotIn(VALUE, t.seen, "the value went to the terminal instead of stdout")
        self.assertTrue(t.echo_on(), "echo must be restored")

    def test_wrong_passphrase_on_the_terminal_exits_3_and_restores_echo(self):
        t = self.terminal(["get", "k"], env={"VAULTX_PASSPHRASE": None})
        t.read_until(b": ")
        t.type(b"not the passphrase\n")
        r = t.finish()
        self.assertExit(r, 3)
        self.assertEqual(r.stdout, b"")
        self.assertNotIn(b"not the passphrase", t.seen + r.stderr)
        self.assertTrue(t.echo_on())

    def test_ctrl_c_at_the_prompt_restores_echo(self):
        t = self.terminal(["get", "k"], env={"VAULTX_PASSPHRASE": None})
        t.read_until(b": ")
        self.assertFalse(t.echo_on())
        t.proc.send_signal(signal.SIGINT)
        r = t.finish()
        self.assertEqual(r.returncode, -signal.SIGINT, r.describe())
        self.assertEqual(r.stdout, b"")
        self.assertTrue(t.echo_on(), "echo must come back after Ctrl-C")

    def test_no_prompt_when_a_passphrase_variable_is_set(self):
        t = self.terminal(["get", "k"])
        r = t.finish()
        self.assertExit(r, 0)
        self.assertEqual(r.stdout, VALUE + b"\n")
        self.assertEqual(t.seen, b"")

    def test_set_on_a_terminal_prompts_twice(self):
        t = self.terminal(["set", "typed"], stdin_is_tty=True)
        first = t.read_until(b": ")
        self.assertIn(b"typed", first)
        self.assertFalse(t.echo_on())
        t.type(VALUE + b"\n")
        second = t.read_until(b": ")
        self.assertIn(b"Repeat", second)
        t.type(VALUE + b"\n")
        r = t.finish()
        self.assertExit(r, 0)
        self.assertQuietOutput(r, VALUE)
        self.assertEqual(r.stdout, b"")
        self.assertNotIn(VALUE, t.seen, "the value was echoed")
        self.assertTrue(t.echo_on())
        self.assertEqual(self.vx.get("typed"), VALUE)

    def test_set_on_a_terminal_refuses_entries_that_differ(self):
        t = self.terminal(["set", "typed"], stdin_is_tty=True)
        t.read_until(b": ")
        t.type(VALUE + b"\n")
        t.read_until(b": ")
        t.type(VALUE + b"-typo\n")
        r = t.finish()
        self.assertExit(r, 2)
        self.assertNotLeaked(r, VALUE)
        self.assertExit(self.vx.run(["get", "typed"]), 5)

    def test_set_prompts_for_the_value_then_the_passphrase(self):
        t = self.terminal(["set", "typed"], env={"VAULTX_PASSPHRASE": None}, stdin_is_tty=True)
        t.read_until(b": ")
        t.type(VALUE + b"\n")
        t.read_until(b": ")
        t.type(VALUE + b"\n")
        self.assertIn(b"Passphrase", t.read_until(b": "))
        t.type(vxtest.PASSPHRASE.encode() + b"\n")
        r = t.finish()
        self.assertExit(r, 0)
        self.assertNotIn(VALUE, t.seen)
        self.assertNotIn(vxtest.PASSPHRASE.encode(), t.seen)
        self.assertEqual(self.vx.get("typed"), VALUE)

    def test_init_on_a_terminal_asks_for_the_passphrase_twice(self):
        other = vxtest.Vx(passphrase=None)
        self.addCleanup(other.cleanup)
        t = Terminal(other, ["init", *vxtest.CHEAP_KDF])
        self.addCleanup(t.close)
        t.read_until(b": ")
        t.type(b"terminal passphrase\n")
        self.assertIn(b"Repeat", t.read_until(b": "))
        t.type(b"terminal passphrase\n")
        r = t.finish()
        self.assertExit(r, 0)
        self.assertNotIn(b"terminal passphrase", t.seen)
        other.set("x", b"y", env={"VAULTX_PASSPHRASE": "terminal passphrase"})

    def test_piped_stdin_is_used_even_with_a_terminal(self):
        t = Terminal(self.vx, ["set", "piped"])  # stdin is /dev/null, not the tty
        self.addCleanup(t.close)
        r = t.finish()
        self.assertExit(r, 0)
        self.assertEqual(t.seen, b"", "no prompt when stdin is not a terminal")
        self.assertEqual(self.vx.get("piped"), b"")


if __name__ == "__main__":
    vxtest.main()
