"""vaultx completion bash|zsh|fish: prints the files of completions/ byte for
byte, and what it prints loads in each real shell and completes: commands,
options, scope names from vaultx.toml, and secret names only when vaultx can
list them without prompting."""
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from test_docs import BASH_HARNESS, BASH_COMPLETION, COMPLETIONS, FISH_COMPLETION, ZSH_COMPLETION, clean_env, \
    make_store, quote_fish, run, vaultx_bin

# BASH_HARNESS, loading the script the way its man page says.
SOURCE_HARNESS = BASH_HARNESS.replace('source "$COMPLETION_FILE" || exit 90',
                                      'source <("$VX" completion bash) || exit 90')
assert SOURCE_HARNESS != BASH_HARNESS

TOML = """
[scopes.agent-a]
secrets = ["openai/*"]

[scopes.agent-b]
secrets = ["aws/**"]
"""


class PrintsTheFiles(unittest.TestCase):
    def test_each_shell_gets_its_file_byte_for_byte(self):
        for shell, path in (("bash", BASH_COMPLETION), ("zsh", ZSH_COMPLETION), ("fish", FISH_COMPLETION)):
            with self.subTest(shell=shell):
                p = subprocess.run([vaultx_bin(), "completion", shell], capture_output=True, timeout=30,
                                   env=clean_env(), stdin=subprocess.DEVNULL)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertEqual(p.stdout, path.read_bytes())
                self.assertEqual(p.stderr, b"")

    def test_needs_no_store(self):
        p = run([vaultx_bin(), "--store", "/nonexistent/store", "completion", "bash"])
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_other_shells_are_usage_errors(self):
        for args in (["completion"], ["completion", "tcsh"]):
            with self.subTest(args=args):
                self.assertEqual(run([vaultx_bin(), *args]).returncode, 2)


class BashLoaded(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.env = make_store(self.tmp.name)
        Path(self.env["VAULTX_STORE"], "vaultx.toml").write_text(TOML)
        self.env["VX"] = vaultx_bin()

    def complete(self, *words, env=None):
        result = subprocess.run(["bash", "--norc", "--noprofile", "-c", SOURCE_HARNESS, "harness", vaultx_bin(),
                                 *words], capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=30,
                                env=env or self.env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        return [line for line in result.stdout.splitlines() if line]

    def test_commands_and_options_of_the_new_commands(self):
        self.assertEqual(self.complete("comp"), ["completion"])
        self.assertEqual(sorted(self.complete("completion", "")), ["bash", "fish", "zsh"])
        self.assertEqual(self.complete("import", "--f"), ["--format", "--from"])
        self.assertEqual(self.complete("import", "--format", ""), ["dotenv", "json"])
        self.assertEqual(self.complete("import", "--from", ""), ["pass"])
        self.assertEqual(self.complete("export", "--format", "j"), ["json"])
        self.assertEqual(self.complete("edit", "--r"), ["--raw"])

    def test_scope_names_from_vaultx_toml(self):
        self.assertEqual(self.complete("exec", "--scope", "agent-"), ["agent-a", "agent-b"])
        self.assertEqual(self.complete("env", "-s", "agent-b", "--format", "d"), ["dotenv"])

    def test_secret_names_only_without_prompting(self):
        self.assertEqual(self.complete("edit", "op"), ["openai/api-key"])
        self.assertEqual(self.complete("export", "aws/s"), ["aws/s3-reader/", "aws/s3-reader/key-id"])
        env = dict(self.env)
        del env["VAULTX_PASSPHRASE_FILE"]
        self.assertEqual(self.complete("edit", "op", env=env), [])


class ZshLoaded(unittest.TestCase):
    def setUp(self):
        if shutil.which("zsh") is None:
            self.skipTest("zsh is not installed (apt-get install zsh)")

    def test_sourced_after_compinit_registers(self):
        script = ('autoload -Uz compinit; compinit -u -D; source <("$VX" completion zsh) || exit 1; '
                  'print -r -- "${_comps[vaultx]}"; (( $+functions[_vaultx_secrets] )) && print loaded')
        with tempfile.TemporaryDirectory() as home:
            result = run(["zsh", "-f", "-c", script], env=clean_env(VX=vaultx_bin(), HOME=home))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        self.assertEqual(result.stdout.split(), ["_vaultx", "loaded"])

    def test_from_fpath_it_still_completes(self):
        from test_docs import zsh_complete
        self.assertEqual(zsh_complete(["vaultx comp", "vaultx import --fr"]),
                         ["vaultx completion ", "vaultx import --from="])


class FishLoaded(unittest.TestCase):
    def setUp(self):
        if shutil.which("fish") is None:
            self.skipTest("fish is not installed (apt-get install fish)")

    def complete(self, line):
        script = f"{quote_fish(vaultx_bin())} completion fish | source; or exit 1; complete -C {quote_fish(line)}"
        with tempfile.TemporaryDirectory() as home:
            result = run(["fish", "--no-config", "-c", script], env=clean_env(HOME=home))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        return [line.split("\t")[0] for line in result.stdout.splitlines()]

    def test_loads_and_completes(self):
        self.assertEqual(self.complete("vaultx comp"), ["completion"])
        self.assertEqual(sorted(self.complete("vaultx completion ")), ["bash", "fish", "zsh"])
        self.assertEqual(self.complete("vaultx import --format "), ["dotenv", "json"])
        self.assertEqual(self.complete("vaultx edit --r"), ["--raw"])


if __name__ == "__main__":
    unittest.main()
