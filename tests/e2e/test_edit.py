"""vaultx edit NAME: a scripted EDITOR sees the value in a private file on
tmpfs (0700 directory, 0600 file), and the file is gone afterwards on every
exit path: saved, unchanged, editor failure, editor missing, SIGTERM and
SIGINT. An unchanged buffer writes nothing; a new name is created."""
import base64
import json
import os
import signal
import stat
import sys
import time

import vxtest

# The editor: reports what it saw to $EDIT_REPORT, then acts on $EDIT_MODE.
EDITOR_SCRIPT = r"""
import base64, json, os, stat, sys, time
path = sys.argv[-1]
d = os.path.dirname(path)
report = {
    "argv": sys.argv[1:],
    "path": path,
    "dir_mode": stat.S_IMODE(os.stat(d).st_mode),
    "file_mode": stat.S_IMODE(os.stat(path).st_mode),
    "content": base64.b64encode(open(path, "rb").read()).decode(),
    "vaultx_env": sorted(k for k in os.environ if k.startswith("VAULTX_")),
    "pid": os.getpid(),
}
with open(os.environ["EDIT_REPORT"], "w") as f:
    json.dump(report, f)
mode = os.environ.get("EDIT_MODE", "noop")
if mode in ("write", "write-fail", "rename"):
    data = base64.b64decode(os.environ["EDIT_NEW"])
    if mode == "rename":  # as editors that save by renaming a new file over the old one
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        open(os.path.join(d, ".swap"), "wb").write(b"swap file with the value")
        os.rename(path + ".tmp", path)
    else:
        with open(path, "wb") as f:
            f.write(data)
if mode == "write-fail":
    sys.exit(3)
if mode == "sleep":
    open(os.path.join(d, ".swap"), "wb").write(b"swap")
    open(os.environ["EDIT_REPORT"] + ".ready", "w").close()
    time.sleep(60)
"""


class Edit(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        self.vx.init()
        self.script = os.path.join(self.vx.root, "editor.py")
        with open(self.script, "w") as f:
            f.write(EDITOR_SCRIPT)
        self.report_path = os.path.join(self.vx.root, "report.json")

    def editor_env(self, mode="noop", new=b"", variable="EDITOR", **extra):
        env = {variable: f"{sys.executable} -S {self.script}", "EDIT_MODE": mode,
               "EDIT_NEW": base64.b64encode(new).decode(), "EDIT_REPORT": self.report_path}
        env.update(extra)
        return env

    def report(self):
        with open(self.report_path) as f:
            return json.load(f)

    def assertBufferGone(self, report):
        self.assertFalse(os.path.exists(report["path"]), "the buffer outlived the command")
        self.assertFalse(os.path.exists(os.path.dirname(report["path"])), "the private directory outlived it")

    def test_edit_replaces_the_value_through_a_private_tmpfs_file(self):
        self.vx.set("api/token", b"old-secret-value")
        r = self.vx.run(["edit", "api/token"], env=self.editor_env("write", b"new-secret-value\n"))
        self.assertExit(r, 0)
        self.assertNotLeaked(r, b"old-secret-value", b"new-secret-value")
        rep = self.report()
        self.assertEqual(base64.b64decode(rep["content"]), b"old-secret-value\n")
        self.assertTrue(rep["path"].startswith("/dev/shm/vaultx-edit-"), rep["path"])
        self.assertEqual(os.path.basename(rep["path"]), "token")
        self.assertEqual(rep["dir_mode"], 0o700)
        self.assertEqual(rep["file_mode"], 0o600)
        self.assertEqual(rep["vaultx_env"], [], "VAULTX_* variables reached the editor")
        self.assertEqual(rep["argv"], [rep["path"]], "the editor gets the file name and nothing else")
        self.assertBufferGone(rep)
        self.assertEqual(self.vx.get("api/token"), b"new-secret-value")
        meta = json.loads(self.vx.ok(["ls", "--long", "--json"]).stdout)[0]
        self.assertEqual(meta["version"], 2)

    def test_xdg_runtime_dir_on_tmpfs_is_preferred(self):
        runtime = os.path.join("/dev/shm", f"vx-e2e-runtime-{os.getpid()}")
        os.makedirs(runtime, mode=0o700, exist_ok=True)
        self.addCleanup(os.rmdir, runtime)
        self.vx.set("x", b"v")
        self.vx.ok(["edit", "x"], env=self.editor_env(XDG_RUNTIME_DIR=runtime))
        self.assertTrue(self.report()["path"].startswith(runtime + "/vaultx-edit-"))
        self.assertEqual(os.listdir(runtime), [])

    def test_an_unchanged_buffer_writes_nothing(self):
        self.vx.set("k", b"value without newline")
        before = self.vx.snapshot()
        r = self.vx.run(["edit", "k"], env=self.editor_env("noop"))
        self.assertExit(r, 0)
        self.assertStderrHas(r, "unchanged")
        self.assertEqual(self.vx.snapshot(), before)
        self.assertBufferGone(self.report())
        records = [json.loads(line) for line in self.vx.ok(["audit", "--json"]).stdout.splitlines()]
        self.assertEqual((records[-1]["op"], records[-1]["names"], records[-1]["outcome"]), ("edit", ["k"], "ok"))
        # Saved again with the same bytes (an editor's :wq) is unchanged too.
        r = self.vx.run(["edit", "k"], env=self.editor_env("write", b"value without newline\n"))
        self.assertStderrHas(r, "unchanged")
        self.assertEqual(self.vx.snapshot(), before)

    def test_a_new_name_is_created(self):
        r = self.vx.run(["edit", "new/secret"], env=self.editor_env("rename", b"brand new\n"))
        self.assertExit(r, 0)
        self.assertStderrHas(r, "created new/secret")
        self.assertEqual(base64.b64decode(self.report()["content"]), b"\n")
        self.assertEqual(self.vx.get("new/secret"), b"brand new")
        self.assertBufferGone(self.report())

    def test_a_new_name_left_empty_is_not_created(self):
        r = self.vx.run(["edit", "never/saved"], env=self.editor_env("noop"))
        self.assertExit(r, 0)
        self.assertEqual(self.vx.ok(["ls"]).stdout, b"")

    def test_raw_keeps_exact_bytes(self):
        self.vx.set("r", b"no newline")
        self.vx.ok(["edit", "--raw", "r"], env=self.editor_env("write", b"two\nlines\n"))
        self.assertEqual(base64.b64decode(self.report()["content"]), b"no newline")
        self.assertEqual(self.vx.get("r"), b"two\nlines\n")

    def test_a_failing_editor_saves_nothing(self):
        self.vx.set("k", b"keep me")
        before = self.vx.snapshot()
        r = self.vx.run(["edit", "k"], env=self.editor_env("write-fail", b"discarded"))
        self.assertExit(r, 1)
        self.assertStderrHas(r, "exited with status 3", "nothing was saved")
        self.assertEqual(self.vx.snapshot(), before)
        self.assertBufferGone(self.report())

    def test_a_missing_editor(self):
        r = self.vx.run(["edit", "k"], env={"EDITOR": "no-such-editor-xyz"})
        self.assertExit(r, 5)
        self.assertStderrHas(r, "no-such-editor-xyz", "EDITOR")
        self.assertEqual([d for d in os.listdir("/dev/shm") if d.startswith(f"vaultx-edit-")
                          and os.stat(os.path.join("/dev/shm", d)).st_uid == os.getuid()
                          and self.mine(d)], [])

    def mine(self, dirname):
        """Whether a leftover vaultx-edit-PID-* directory belongs to a process that is gone."""
        pid = int(dirname.split("-")[2])
        return not os.path.exists(f"/proc/{pid}")

    def test_visual_then_vi(self):
        self.vx.set("k", b"v")
        self.vx.ok(["edit", "k"], env=self.editor_env(variable="VISUAL", EDITOR=None))
        self.assertTrue(os.path.exists(self.report_path), "VISUAL was not used")
        os.remove(self.report_path)
        bindir = os.path.join(self.vx.root, "bin")
        os.makedirs(bindir)
        vi = os.path.join(bindir, "vi")
        with open(vi, "w") as f:
            f.write(f"#!/bin/sh\nexec {sys.executable} -S {self.script} \"$@\"\n")
        os.chmod(vi, 0o755)
        self.vx.ok(["edit", "k"], env=self.editor_env(EDITOR=None, VISUAL=None,
                                                      PATH=bindir + ":" + self.vx.env["PATH"]))
        self.assertTrue(os.path.exists(self.report_path), "vi was not used")

    def interrupt(self, sig):
        self.vx.set("k", b"before the signal")
        before = self.vx.snapshot()
        p = self.vx.spawn(["edit", "k"], env=self.editor_env("sleep"))
        deadline = time.monotonic() + 30
        while not os.path.exists(self.report_path + ".ready") and time.monotonic() < deadline:
            time.sleep(0.05)
        rep = self.report()
        self.assertTrue(os.path.exists(rep["path"]))
        os.kill(p.pid, sig)
        out, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 128 + sig, err)
        self.assertIn(b"nothing was saved", err)
        self.assertBufferGone(rep)
        self.assertFalse(os.path.exists(f"/proc/{rep['pid']}") and
                         open(f"/proc/{rep['pid']}/stat").read().rsplit(")", 1)[1].split()[0] not in "ZX",
                         "the editor still runs")
        self.assertEqual(self.vx.snapshot(), before)

    def test_sigterm_removes_the_buffer(self):
        self.interrupt(signal.SIGTERM)

    def test_sigint_removes_the_buffer(self):
        self.interrupt(signal.SIGINT)

    def test_a_buffer_left_by_sigkill_is_swept_by_the_next_edit(self):
        self.vx.set("k", b"v")
        p = self.vx.spawn(["edit", "k"], env=self.editor_env("sleep"))
        deadline = time.monotonic() + 30
        while not os.path.exists(self.report_path + ".ready") and time.monotonic() < deadline:
            time.sleep(0.05)
        rep = self.report()
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
        os.kill(rep["pid"], signal.SIGKILL)  # it holds the pipes of vaultx's stdout and stderr
        p.communicate(timeout=30)
        self.assertTrue(os.path.exists(rep["path"]), "SIGKILL cannot be caught")
        self.vx.ok(["edit", "k"], env=self.editor_env("noop"))
        self.assertFalse(os.path.exists(os.path.dirname(rep["path"])), "the stale buffer was not swept")

    def test_bad_name(self):
        r = self.vx.run(["edit", "../x"], env=self.editor_env())
        self.assertExit(r, 2)
        self.assertFalse(os.path.exists(self.report_path))


if __name__ == "__main__":
    vxtest.main()
