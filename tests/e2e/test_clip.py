"""vaultx get --clip [--clear-after D], under a private Xvfb server with
xclip: the value reaches the clipboard (never stdout, never an argv), and is
cleared after the delay only if the clipboard still holds it."""
import os
import shutil
import subprocess
import time
import unittest

import vxtest

VALUE = b"clip-secret \xc3\xa9 'q' \"d\" $x"


class Clip(vxtest.VxTestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("Xvfb", "xclip"):
            if shutil.which(tool) is None:
                raise unittest.SkipTest(f"{tool} is not installed (apt-get install xvfb xclip): --clip not tested")
        r, w = os.pipe()
        cls.xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-nolisten", "tcp", "-screen", "0", "64x64x8"],
                                    pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        with os.fdopen(r) as f:
            number = f.readline().strip()
        if not number:
            cls.xvfb.kill()
            raise unittest.SkipTest("Xvfb did not start")
        cls.display = ":" + number

    @classmethod
    def tearDownClass(cls):
        cls.xvfb.terminate()
        cls.xvfb.wait(timeout=30)

    def setUp(self):
        super().setUp()
        self.vx.init()
        self.vx.set("web/bank", VALUE)

    def clipboard(self):
        p = subprocess.run(["xclip", "-selection", "clipboard", "-out"], capture_output=True, timeout=10,
                           env={"DISPLAY": self.display, "PATH": os.environ["PATH"]})
        return p.stdout if p.returncode == 0 else b""

    def set_clipboard(self, data):
        subprocess.run(["xclip", "-selection", "clipboard", "-in"], input=data, timeout=10, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env={"DISPLAY": self.display, "PATH": os.environ["PATH"]})

    def wait_for(self, predicate, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.1)
        return False

    def clip(self, *extra):
        return self.vx.run(["get", "--clip", *extra, "web/bank"], env={"DISPLAY": self.display}, timeout=60)

    def test_copies_then_clears(self):
        r = self.clip("--clear-after", "2s")
        self.assertExit(r, 0)
        self.assertEqual(r.stdout, b"")
        self.assertNotLeaked(r, VALUE)
        self.assertStderrHas(r, "xclip", "2s")
        self.assertEqual(self.clipboard(), VALUE)
        for pid in filter(str.isdigit, os.listdir("/proc")):  # the value is in no process's arguments
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    self.assertNotIn(b"clip-secret", f.read())
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                pass
        self.assertTrue(self.wait_for(lambda: self.clipboard() == b""), "the clipboard was not cleared")

    def test_something_copied_since_is_left_alone(self):
        self.assertExit(self.clip("--clear-after", "2s"), 0)
        self.assertEqual(self.clipboard(), VALUE)
        self.set_clipboard(b"copied by the user afterwards")
        time.sleep(4)
        self.assertEqual(self.clipboard(), b"copied by the user afterwards")

    def test_zero_never_clears(self):
        self.assertExit(self.clip("--clear-after", "0s"), 0)
        time.sleep(2)
        self.assertEqual(self.clipboard(), VALUE)

    def test_no_display(self):
        r = self.vx.run(["get", "--clip", "web/bank"], env={"DISPLAY": None, "WAYLAND_DISPLAY": None})
        self.assertExit(r, 5)
        self.assertStderrHas(r, "DISPLAY", "xclip")
        self.assertEqual(r.stdout, b"")

    def test_bad_durations(self):
        self.assertExit(self.clip("--clear-after", "soon"), 2)
        r = self.vx.run(["get", "--clear-after", "10s", "web/bank"])
        self.assertExit(r, 2)
        self.assertEqual(r.stdout, b"")


if __name__ == "__main__":
    vxtest.main()
