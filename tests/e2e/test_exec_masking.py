"""vaultx exec --mask: the child's stdout and stderr pass through the redactor
when they are not a terminal (auto) or always; values written a byte at a
time and common encodings of them are masked; --mask never replaces vaultx by
the child; a pty stays a pty for the child; values too short to mask are
named once in a warning."""
import base64
import json
import os
import pty
import random
import re
import select
import subprocess
import time
import urllib.parse

import exectest
from exectest import PY_FAST

# Chosen so that every encoding differs from the value and from each other:
# base64 has '+' and '/', percent-encoding and JSON have work to do.
TRICKY = 'p@ss w/"q\\u\u00fc~>?\u2028\u00ff\u00fe'.encode()
PLAIN = b"plain-secret-value-7a6b5c4d"
SHORT = b"abc"
SECRETS = {"mask/tricky": TRICKY, "mask/plain": PLAIN, "mask/short": SHORT}
CONFIG = """
[scopes.mask]
secrets = ["mask/plain", "mask/tricky"]

[scopes.with-short]
secrets = ["mask/*"]
"""

REDACTED_PLAIN = b"<redacted:MASK_PLAIN>"
REDACTED_TRICKY = b"<redacted:MASK_TRICKY>"


def forms(value):
    """{description: bytes} of the encodings vaultx promises to mask."""
    text = value.decode()
    b64 = base64.b64encode(value)
    b64url = base64.urlsafe_b64encode(value)
    out = {
        "base64": b64,
        "base64 unpadded": b64.rstrip(b"="),
        "base64url": b64url,
        "base64url unpadded": b64url.rstrip(b"="),
        "percent": urllib.parse.quote(value, safe="").encode(),
        "percent lower-case": re.sub(rb"%[0-9A-F]{2}", lambda m: m.group().lower(),
                                     urllib.parse.quote(value, safe="").encode()),
        "form-urlencoded": urllib.parse.quote_plus(value, safe="").encode(),
        "json (ensure_ascii)": json.dumps(text)[1:-1].encode(),
        "json (utf-8)": json.dumps(text, ensure_ascii=False)[1:-1].encode(),
        "json (slash)": json.dumps(text)[1:-1].replace("/", "\\/").encode(),
    }
    return out


class Masking(exectest.SharedStoreCase):
    SECRETS = SECRETS
    CONFIG = CONFIG

    def exec(self, script, *options, scope="mask", **kw):
        return self.vx.run(["exec", "--scope", scope, *options, "--", *PY_FAST, "-c", script], **kw)

    def test_the_forms_are_all_different(self):
        f = forms(TRICKY)
        self.assertEqual(len(set(f.values())), len(f), "pick a value whose encodings differ")
        for name, form in f.items():
            self.assertNotEqual(form, TRICKY, name)
        self.assertIn(b"+", f["base64"])
        self.assertIn(b"/", f["base64"])

    def test_stdout_and_stderr_are_masked(self):
        script = ("import os, sys\n"
                  "e = os.environb\n"
                  "for stream in (sys.stdout.buffer, sys.stderr.buffer):\n"
                  "    stream.write(b'A ' + e[b'MASK_PLAIN'] + b' B ' + e[b'MASK_TRICKY'] + b' C\\n')\n"
                  "    stream.flush()\n")
        r = self.exec(script)
        self.assertExit(r, 0)
        expected = b"A " + REDACTED_PLAIN + b" B " + REDACTED_TRICKY + b" C\n"
        self.assertEqual(r.stdout, expected)
        self.assertEqual(r.stderr, expected)

    def test_a_value_written_one_byte_at_a_time_is_masked(self):
        script = ("import os, sys, time\n"
                  "out = sys.stdout.buffer\n"
                  "for b in b'before ' + os.environb[b'MASK_PLAIN'] + b' after':\n"
                  "    out.write(bytes([b])); out.flush(); time.sleep(0.01)\n")
        r = self.exec(script)
        self.assertExit(r, 0)
        self.assertEqual(r.stdout, b"before " + REDACTED_PLAIN + b" after")

    def test_a_value_split_across_the_end_of_the_output_is_masked(self):
        # The last bytes are held back until the stream ends: they must come out, masked.
        r = self.exec("import os, sys\nsys.stdout.buffer.write(b'x' + os.environb[b'MASK_PLAIN'])")
        self.assertEqual(r.stdout, b"x" + REDACTED_PLAIN)
        r = self.exec("import os, sys\nsys.stdout.buffer.write(b'x' + os.environb[b'MASK_PLAIN'][:-1])")
        self.assertEqual(r.stdout, b"x" + PLAIN[:-1], "a prefix of a value is not the value")

    def test_encoded_forms_are_masked(self):
        f = forms(TRICKY)
        script = ("import json, sys\n"
                  "for form in json.load(sys.stdin):\n"
                  "    sys.stdout.buffer.write(b'[' + form.encode('latin-1') + b']\\n')\n")
        payload = json.dumps([v.decode("latin-1") for v in f.values()])
        r = self.vx.run(["exec", "--scope", "mask", "--", *PY_FAST, "-c", script], input=payload)
        self.assertExit(r, 0)
        lines = r.stdout.split(b"\n")[:-1]
        self.assertEqual(len(lines), len(f), r.stdout)
        for (name, form), line in zip(f.items(), lines):
            self.assertEqual(line, b"[" + REDACTED_TRICKY + b"]", f"the {name} form {form!r} was not masked")

    def test_mask_never_does_not_mask_and_replaces_vaultx(self):
        script = "import os\nprint(os.getppid(), flush=True)\nos.write(1, os.environb[b'MASK_PLAIN'])\n"
        proc = self.vx.spawn(["exec", "--scope", "mask", "--mask", "never", "--", *PY_FAST, "-c", script],
                             stdin=subprocess.DEVNULL)
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        ppid, _, rest = out.partition(b"\n")
        self.assertEqual(int(ppid), os.getpid(), "with --mask never the child replaces vaultx")
        self.assertEqual(rest, PLAIN)

    def test_supervised_child_is_vaultx_s_child(self):
        script = "import os\nprint(os.getppid(), flush=True)\n"
        proc = self.vx.spawn(["exec", "--scope", "mask", "--", *PY_FAST, "-c", script], stdin=subprocess.DEVNULL)
        out, _ = proc.communicate(timeout=30)
        self.assertEqual(int(out), proc.pid)

    def test_short_values_are_named_once_and_not_masked(self):
        script = ("import os, sys\n"
                  "v = os.environb[b'MASK_SHORT']\n"
                  "sys.stdout.buffer.write(b'[' + v + b']'); sys.stderr.buffer.write(b'[' + v + b']')\n"
                  "sys.stdout.buffer.write(os.environb[b'MASK_PLAIN'])\n")
        r = self.exec(script, scope="with-short")
        self.assertExit(r, 0)
        self.assertEqual(r.stdout, b"[" + SHORT + b"]" + REDACTED_PLAIN)
        err = r.stderr.decode()
        self.assertEqual(err.count("MASK_SHORT"), 1, err)
        self.assertEqual(err.count("shorter than 4 bytes"), 1, err)
        self.assertTrue(err.endswith("[abc]"), err)
        self.assertNotIn("MASK_PLAIN", err)

    def test_no_short_value_warning_with_mask_never(self):
        r = self.exec("pass", "--mask", "never", scope="with-short")
        self.assertExit(r, 0)
        self.assertEqual(r.stderr, b"")

    def test_large_output_with_values_scattered_is_masked_exactly(self):
        # Several MiB of text through `cat`, with the value (and prefixes of it) at
        # awkward offsets across the relay's 64 KiB reads, checked byte for byte.
        letters = bytes(97 + i % 26 for i in range(256))
        rng = random.Random(7)
        data, expected = [], []
        for i in range(400):
            text = os.urandom(rng.randrange(1, 40000)).translate(letters)
            prefix = PLAIN[:i % len(PLAIN)]
            data += [text, prefix, PLAIN]
            expected += [text, prefix, REDACTED_PLAIN]
        r = self.vx.run(["exec", "--scope", "mask", "--", "cat"], input=b"".join(data))
        self.assertExit(r, 0)
        expected = b"".join(expected)
        self.assertEqual(len(r.stdout), len(expected))
        self.assertTrue(r.stdout == expected, "masked output differs from the expected stream")


class Terminal(exectest.SharedStoreCase):
    """vaultx's stdout is a pty (stderr stays a pipe)."""
    SECRETS = SECRETS
    CONFIG = CONFIG

    SCRIPT = ("import os, sys\n"
              "sys.stdout.write('tty=%s\\n' % os.isatty(1)); sys.stdout.flush()\n"
              "os.write(1, b'value=' + os.environb[b'MASK_PLAIN'] + b'\\n')\n")

    def run_on_pty(self, *options):
        master, slave = pty.openpty()
        try:
            proc = self.vx.spawn(["exec", "--scope", "mask", *options, "--", *PY_FAST, "-c", self.SCRIPT],
                                 stdin=subprocess.DEVNULL, stdout=slave)
            os.close(slave)
            slave = None
            seen = b""
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if select.select([master], [], [], 0.2)[0]:
                    try:
                        chunk = os.read(master, 4096)
                    except OSError:  # EIO: every slave end is closed
                        break
                    if not chunk:
                        break
                    seen += chunk
                elif proc.poll() is not None:
                    break
            _, err = proc.communicate(timeout=30)
            self.assertEqual(proc.returncode, 0, err)
            return seen.replace(b"\r", b""), err  # both ptys turn LF into CRLF
        finally:
            os.close(master)
            if slave is not None:
                os.close(slave)

    def test_auto_on_a_terminal_passes_through(self):
        out, _ = self.run_on_pty()
        self.assertEqual(out, b"tty=True\nvalue=" + PLAIN + b"\n")

    def test_always_on_a_terminal_masks_and_the_child_still_sees_a_terminal(self):
        out, err = self.run_on_pty("--mask", "always")
        self.assertEqual(out, b"tty=True\nvalue=" + REDACTED_PLAIN + b"\n")
        self.assertEqual(err, b"")


if __name__ == "__main__":
    exectest.main()
