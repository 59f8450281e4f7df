"""vaultx env: every format carries hostile values exactly, as read back by
the real consumers: bash, dash and zsh eval the shell format; Python's json
reads the JSON; the npm `dotenv` package parses the dotenv format. Values no
format can carry are refused with exit 2, naming the secret."""
import ast
import base64
import fcntl
import json
import os
import shutil
import subprocess
import unittest

import exectest

# Each value is one a naive renderer gets wrong. All are valid UTF-8, and each
# one alone has some dotenv quoting that carries it.
HOSTILE = {
    "h/single-quote": b"it's a 'quoted' value",
    "h/double-quote": b'say "hi" to "them"',
    "h/backtick": b"run `id` now",
    "h/dollar": b"$HOME ${PATH} $(touch pwned-dollar) $1 $$",
    "h/backticks-cmd": b"`touch pwned-backtick`",
    "h/backslashes": b"back\\slash \\n \\t \\\\ \\' end",
    "h/newlines": b"line one\nline two\n\nline four\n",
    "h/cr": b"carriage\rreturn\r\nand crlf",
    "h/spaces": b"   spaces at both ends   ",
    "h/tabs": b"\ttab at both ends\t",
    "h/utf8": "\u00fcn\u00efc\u00f6d\u00e9 \u2713 \U0001f511 \u2028 \u05e9\u05dc\u05d5\u05dd".encode(),
    "h/hash": b"# not a comment # really",
    "h/equals": b"a=b==c=",
    "h/empty": b"",
    "h/semicolon": b"x; touch pwned-semicolon; echo",
    "h/mixed": b"it's `all` at once $X",
    "h/brace": b"}{)(][><|&!*?~",
    "h/export": b"export X=1",
}

# No dotenv quoting can read these back exactly (dotenv-only failures).
NO_DOTENV = {
    "d/all-quotes": b"' ` \" all three\nover two lines",
    "d/trailing-backslash": b"ends in a backslash\\",
}


def variable(name):
    return name.upper().replace("/", "_").replace("-", "_").replace(".", "_")


EXPECTED = {variable(n): v for n, v in HOSTILE.items()}
SHELL_EXPECTED = {**EXPECTED, **{variable(n): v for n, v in NO_DOTENV.items()}}

CONFIG = """
[scopes.hostile]
secrets = ["h/*"]

[scopes.no-dotenv]
secrets = ["h/*", "d/all-quotes"]

[scopes.trailing]
secrets = ["d/trailing-backslash"]

[scopes.everything]
secrets = ["h/*", "d/*"]

[scopes.nul]
secrets = ["h/hash", "x/nul"]

[scopes.latin1]
secrets = ["h/hash", "x/latin1"]
"""

# Pinned: the test checks vaultx against this parser's exact rules.
DOTENV_PACKAGE = "dotenv@18.0.10"


def readback_script(variables):
    """A POSIX sh script body printing each variable's value base64-encoded, one per line."""
    lines = [f"printf '%s' \"${{{v}-UNSET}}\" | base64 | tr -d '\\n'; echo" for v in variables]
    return "\n".join(lines)


def dotenv_dir():
    """Where the npm dotenv package is installed once and reused."""
    if os.environ.get("VAULTX_E2E_CACHE"):
        base = os.environ["VAULTX_E2E_CACHE"]
    elif os.environ.get("XDG_CACHE_HOME"):
        base = os.path.join(os.environ["XDG_CACHE_HOME"], "vaultx-e2e")
    else:  # beside the binary: inside the build tree
        base = os.path.join(os.path.dirname(os.path.abspath(os.environ["VAULTX_BIN"])), "e2e-cache")
    return os.path.join(base, "npm-" + DOTENV_PACKAGE.replace("@", "-"))


def install_dotenv():
    """The path of the installed dotenv module, or raises unittest.SkipTest saying why not."""
    if not shutil.which("node"):
        raise unittest.SkipTest("dotenv round trip skipped: node is not installed (apt-get install nodejs npm)")
    prefix = dotenv_dir()
    module = os.path.join(prefix, "node_modules", "dotenv")
    os.makedirs(prefix, exist_ok=True)
    with open(os.path.join(prefix, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another run may be installing it
        if os.path.exists(os.path.join(module, "package.json")):
            return module
        if not shutil.which("npm"):
            raise unittest.SkipTest("dotenv round trip skipped: npm is not installed (apt-get install npm), "
                                    f"and {module} is absent")
        try:
            p = subprocess.run(["npm", "install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-save",
                                DOTENV_PACKAGE], capture_output=True, timeout=300)
        except subprocess.TimeoutExpired:
            raise unittest.SkipTest(f"dotenv round trip skipped: 'npm install {DOTENV_PACKAGE}' timed out")
        if p.returncode != 0 or not os.path.exists(os.path.join(module, "package.json")):
            raise unittest.SkipTest(f"dotenv round trip skipped: 'npm install {DOTENV_PACKAGE}' failed: "
                                    + p.stderr.decode(errors="replace")[-400:])
    return module


# Reads a dotenv file on stdin with the real parser; prints the result as JSON.
NODE_PARSE = """
const dotenv = require(process.argv[1]);
const options = process.argv[2] === 'fast' ? {fast: true} : undefined;
const parsed = dotenv.parse(require('fs').readFileSync(0), options);
process.stdout.write(JSON.stringify(parsed));
"""


class EnvFormats(exectest.SharedStoreCase):
    SECRETS = {**HOSTILE, **NO_DOTENV, "x/nul": b"before\0after-nul", "x/latin1": b"caf\xe9 latin-1"}
    CONFIG = CONFIG

    def env(self, scope, fmt):
        return self.vx.run(["env", "--scope", scope, "--format", fmt])

    def shell_readback(self, shell, scope="everything"):
        r = self.env(scope, "shell")
        self.assertExit(r, 0)
        names = sorted(SHELL_EXPECTED)
        work = os.path.join(self.vx.root, f"eval-{os.path.basename(shell)}")
        os.makedirs(work, exist_ok=True)
        script = 'eval "$(cat)"\n' + readback_script(names)
        p = subprocess.run([shell, "-c", script], input=r.stdout, capture_output=True, cwd=work, timeout=60,
                           env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.vx.home})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, b"")
        got = [base64.b64decode(line) for line in p.stdout.split(b"\n")[:-1]]
        self.assertEqual(len(got), len(names))
        for name, value in zip(names, got):
            self.assertEqual(value, SHELL_EXPECTED[name], f"{shell}: {name} did not survive eval")
        self.assertEqual(os.listdir(work), [], f"{shell}: evaluating the output ran something")

    def test_shell_format_through_bash(self):
        self.shell_readback("bash")

    def test_shell_format_through_dash(self):
        if not shutil.which("dash"):
            self.skipTest("dash is not installed")
        self.shell_readback("dash")

    def test_shell_format_through_zsh(self):
        if not shutil.which("zsh"):
            self.skipTest("zsh is not installed")
        self.shell_readback("zsh")

    def test_shell_format_exports_to_children(self):
        r = self.env("hostile", "shell")
        child = "import os, sys; sys.stdout.write(repr({k: os.environb[k.encode()] for k in sys.argv[1:]}))"
        p = subprocess.run(["bash", "-c", 'eval "$(cat)"; exec "$0" -S -c "$1" "${@:2}"', exectest.PY, child,
                            *sorted(EXPECTED)], input=r.stdout, capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(ast.literal_eval(p.stdout.decode()), EXPECTED)

    def test_json_format_through_python(self):
        r = self.env("everything", "json")
        self.assertExit(r, 0)
        parsed = json.loads(r.stdout)
        self.assertEqual(parsed, {k: v.decode() for k, v in SHELL_EXPECTED.items()})
        self.assertEqual(list(parsed), sorted(parsed), "variables are sorted")

    def test_json_format_of_a_nul_byte(self):
        r = self.env("nul", "json")
        self.assertExit(r, 0)
        self.assertEqual(json.loads(r.stdout)["X_NUL"], "before\0after-nul")

    def test_json_refuses_a_value_that_is_not_utf8_naming_it(self):
        r = self.env("latin1", "json")
        self.assertExit(r, 2)
        self.assertStderrHas(r, "'x/latin1'", "UTF-8")
        self.assertEqual(r.stdout, b"", "nothing is printed when one value cannot be")
        self.assertNotLeaked(r, b"caf", HOSTILE["h/hash"])

    def test_shell_and_dotenv_refuse_a_nul_byte_naming_it(self):
        for fmt in ("shell", "dotenv"):
            with self.subTest(format=fmt):
                r = self.env("nul", fmt)
                self.assertExit(r, 2)
                self.assertStderrHas(r, "'x/nul'", "NUL")
                self.assertEqual(r.stdout, b"")
                self.assertNotLeaked(r, b"before", b"after-nul")

    def test_shell_format_of_a_value_that_is_not_utf8(self):
        r = self.env("latin1", "shell")
        self.assertExit(r, 0)
        p = subprocess.run(["bash", "-c", 'eval "$(cat)"; printf %s "$X_LATIN1"'], input=r.stdout,
                           capture_output=True, timeout=60)
        self.assertEqual(p.stdout, b"caf\xe9 latin-1")

    # -- dotenv, through the real npm parser

    def dotenv_parse(self, text, mode="default"):
        module = install_dotenv()
        p = subprocess.run(["node", "-e", NODE_PARSE, module, mode], input=text, capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def test_dotenv_format_through_npm_dotenv(self):
        install_dotenv()  # or skip, saying why
        r = self.env("hostile", "dotenv")
        self.assertExit(r, 0)
        expected = {k: v.decode() for k, v in EXPECTED.items()}
        for mode in ("default", "fast"):  # dotenv 18 has two parsers: the regex one and {fast: true}
            with self.subTest(parser=mode):
                parsed = self.dotenv_parse(r.stdout, mode)
                for name in sorted(expected):
                    self.assertEqual(parsed.get(name), expected[name], f"{name} did not survive dotenv.parse")
                self.assertEqual(parsed, expected)

    def test_dotenv_refuses_values_no_quoting_can_carry_naming_them(self):
        install_dotenv()
        for scope, secret in (("no-dotenv", "d/all-quotes"), ("trailing", "d/trailing-backslash")):
            with self.subTest(secret=secret):
                r = self.env(scope, "dotenv")
                self.assertExit(r, 2)
                self.assertStderrHas(r, f"'{secret}'", "dotenv")
                self.assertEqual(r.stdout, b"")
                self.assertNotLeaked(r, NO_DOTENV[secret])
                if secret == "d/all-quotes":
                    # ... and rightly: no quoting gets it back (dotenv's unquoted form stops at the newline).
                    for q in (b"'", b"`", b'"'):
                        parsed = self.dotenv_parse(b"V=" + q + NO_DOTENV[secret] + q + b"\n")
                        self.assertNotEqual(parsed.get("V"), NO_DOTENV[secret].decode(), q)

if __name__ == "__main__":
    exectest.main()
