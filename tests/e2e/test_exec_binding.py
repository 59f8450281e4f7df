"""Command binding: a scope with `commands` is given only to those programs,
and `vaultx scope pin` binds a scope to the content of a program or script.
A refusal is exit 125 before anything is decrypted, and is audited as denied."""
import os
import sys
import unittest

import exectest
import vxtest

VALUE = b"bound-secret-value-71c2e0d9"


class Binding(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        # `python3` on PATH is this interpreter (a symlink: binding compares canonical paths).
        self.bin = os.path.join(self.vx.root, "bin")
        os.makedirs(self.bin)
        os.symlink(sys.executable, os.path.join(self.bin, "python3"))
        self.vx.env["PATH"] = self.bin + os.pathsep + self.vx.env["PATH"]
        self.vx.init()
        self.vx.set("bound/key", VALUE)
        # Bare names in `commands` resolve on the system path, which may hold
        # another python3 than this interpreter: name this one by its path.
        exectest.write_config(self.vx, '[scopes.py]\nsecrets = ["bound/*"]\ncommands = ["%s"]\n\n'
                                       '[scopes.any]\nsecrets = ["bound/*"]\n' % os.path.realpath(sys.executable))
        self.script = os.path.join(self.vx.root, "job.py")
        self.write_script("import os\nprint(len(os.environ['BOUND_KEY']))\n")

    def write_script(self, text):
        with open(self.script, "w") as f:
            f.write(text)

    def exec(self, scope, *command, **kw):
        return self.vx.run(["exec", "--scope", scope, "--", *command], **kw)

    def last_record(self):
        return exectest.audit_records(self.vx)[-1]

    def test_listed_command_runs(self):
        r = self.exec("py", "python3", "-S", "-c", "import os; print(len(os.environ['BOUND_KEY']))")
        self.assertExit(r, 0)
        self.assertEqual(r.stdout, b"%d\n" % len(VALUE))
        rec = self.last_record()
        self.assertEqual((rec["op"], rec["outcome"], rec["command"], rec["names"]), ("exec", "ok", "python3",
                                                                                      ["bound/key"]))

    def test_listed_command_by_another_path_runs(self):
        # The same program, named by its path: bound to the program, not the word.
        r = self.exec("py", sys.executable, "-S", "-c", "pass")
        self.assertExit(r, 0)

    def test_other_command_is_refused_and_audited_as_denied(self):
        marker = os.path.join(self.vx.root, "sh-ran")
        r = self.exec("py", "sh", "-c", f"echo \"$BOUND_KEY\" > {marker}")
        self.assertExit(r, 125)
        self.assertStderrHas(r, "scope 'py'", "python3")
        self.assertFalse(os.path.exists(marker), "the refused command ran")
        rec = self.last_record()
        self.assertEqual((rec["op"], rec["outcome"], rec["command"], rec["scopes"]), ("exec", "denied", "sh", ["py"]))
        self.assertEqual(rec["names"], [], "nothing may be decrypted for a refused command")
        self.assertNotIn("status", {k: v for k, v in rec.items() if v is not None})

    def test_refused_before_unlocking(self):
        # No passphrase at all: the refusal comes first, so it is about the command.
        r = self.exec("py", "sh", "-c", "true", env={"VAULTX_PASSPHRASE": None})
        self.assertExit(r, 125)
        self.assertStderrHas(r, "scope 'py'")
        self.assertNotIn(b"passphrase", r.stderr.lower())

    def test_a_symlink_to_another_program_named_like_a_listed_one_is_refused(self):
        # Whoever runs vaultx exec cannot put another program first on PATH under
        # a listed name (here /bin/sh as "python3") and hand it the scope.
        fake = os.path.join(self.vx.root, "fake-bin")
        os.makedirs(fake)
        os.symlink("/bin/sh", os.path.join(fake, "python3"))
        r = self.exec("py", "python3", "-c", "true", env={"PATH": fake + os.pathsep + self.vx.env["PATH"]})
        self.assertExit(r, 125)

    def test_bare_names_in_commands_resolve_on_the_system_path(self):
        exectest.write_config(self.vx, '[scopes.shell]\nsecrets = ["bound/*"]\ncommands = ["sh"]\n')
        self.assertExit(self.exec("shell", "sh", "-c", "true"), 0)
        fake = os.path.join(self.vx.root, "fake-sh")
        os.makedirs(fake)
        os.symlink(sys.executable, os.path.join(fake, "sh"))
        r = self.exec("shell", "sh", "-c", "true", env={"PATH": fake + os.pathsep + self.vx.env["PATH"]})
        self.assertExit(r, 125)
        self.assertStderrHas(r, "may only be given to sh")

    def test_union_with_a_bound_scope_is_bound(self):
        r = self.vx.run(["exec", "--scope", "any", "--scope", "py", "--", "sh", "-c", "true"])
        self.assertExit(r, 125)

    def test_pinned_script_runs_unchanged_and_is_refused_once_changed(self):
        pinned = self.vx.ok(["scope", "pin", "py", self.script])
        self.assertIn(os.path.realpath(self.script).encode(), pinned.stdout)
        r = self.exec("py", "python3", self.script)
        self.assertExit(r, 0)
        self.assertEqual(r.stdout, b"%d\n" % len(VALUE))

        self.write_script("import os\nprint(os.environ['BOUND_KEY'])  # exfiltrate\n")
        r = self.exec("py", "python3", self.script)
        self.assertExit(r, 125)
        self.assertStderrHas(r, "changed", os.path.realpath(self.script))
        self.assertNotLeaked(r, VALUE)
        rec = self.last_record()
        self.assertEqual((rec["outcome"], rec["names"]), ("denied", []))

        self.assertExit(self.vx.run(["scope", "pins", "py"]), 1)  # reports the change

        self.write_script("import os\nprint(len(os.environ['BOUND_KEY']))\n")  # back as pinned
        self.assertExit(self.exec("py", "python3", self.script), 0)

    def test_a_pinned_scope_refuses_other_scripts(self):
        self.vx.ok(["scope", "pin", "py", self.script])
        other = os.path.join(self.vx.root, "other.py")
        with open(other, "w") as f:
            f.write("print('other')\n")
        self.assertExit(self.exec("py", "python3", other), 125)
        self.assertExit(self.exec("py", "python3", "-c", "print(1)"), 125)

    def test_pins_are_per_scope(self):
        self.vx.ok(["scope", "pin", "py", self.script])
        self.write_script("print('changed')\n")
        self.assertExit(self.exec("py", "python3", self.script), 125)
        self.assertExit(self.exec("any", "python3", self.script), 0)  # scope 'any' has no pins


if __name__ == "__main__":
    exectest.main()
