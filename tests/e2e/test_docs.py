#!/usr/bin/env python3
"""The manual pages and shell completions match the commands of the binary.

Run with VAULTX_BIN pointing at the built vaultx. Checks that need mandoc,
zsh or fish skip themselves, saying so, when those are not installed.
"""

import os
import pty
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAN = ROOT / "man"
COMPLETIONS = ROOT / "completions"
BASH_COMPLETION = COMPLETIONS / "vaultx.bash"
ZSH_COMPLETION = COMPLETIONS / "_vaultx"
FISH_COMPLETION = COMPLETIONS / "vaultx.fish"

# Options CLI11 adds to every command; documented once in vaultx(1).
INHERITED_OPTIONS = {"--help", "--help-all"}


def vaultx_bin():
    path = os.environ.get("VAULTX_BIN")
    if not path:
        raise unittest.SkipTest("VAULTX_BIN is not set: run through ctest, or set it to the built binary")
    return path


def clean_env(**extra):
    """The test's environment without any VAULTX_* variable, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAULTX_")}
    env.update(extra)
    return env


def run(args, **kwargs):
    kwargs.setdefault("env", clean_env())
    kwargs.setdefault("timeout", 60)
    return subprocess.run(args, capture_output=True, text=True, stdin=subprocess.DEVNULL, **kwargs)


def help_commands():
    """Command names listed by `vaultx help` (aliases dropped), in order."""
    out = run([vaultx_bin(), "help"]).stdout
    commands, in_commands = [], False
    for line in out.splitlines():
        header = re.fullmatch(r"(\S[^:]*):", line)
        if header:
            in_commands = header.group(1) not in ("Options", "Positionals")
            continue
        entry = re.match(r"  ([a-z][a-z0-9-]*)(?:, [a-z0-9-]+)*(?:\s|$)", line)
        if in_commands and entry:
            commands.append(entry.group(1))
    return commands


def long_options(command):
    """Long options printed by `vaultx COMMAND --help`, without the inherited ones."""
    out = run([vaultx_bin(), command, "--help"]).stdout
    options = set()
    for line in out.splitlines():
        if re.match(r"\s+-", line):
            # The first column, e.g. "-l,--long" or "--kdf-memory SIZE"; not the description.
            options.update(re.findall(r"--[a-z][a-z0-9-]*", line.strip().split("  ")[0]))
    return {o for o in options if o not in INHERITED_OPTIONS}


class HelpListTest(unittest.TestCase):
    def test_help_lists_the_commands(self):
        commands = help_commands()
        for expected in ("init", "set", "get", "ls", "help"):
            self.assertIn(expected, commands, f"'vaultx help' does not list '{expected}': {commands}")


class ManPagesTest(unittest.TestCase):
    def test_every_command_has_a_page_and_an_entry_in_vaultx_1(self):
        overview = (MAN / "vaultx.1").read_text()
        for command in help_commands():
            with self.subTest(command=command):
                self.assertTrue((MAN / f"vaultx-{command}.1").is_file(), f"man/vaultx-{command}.1 is missing")
                self.assertIn(f".It Cm {command}\n", overview, f"COMMANDS of vaultx(1) lacks '{command}'")
                self.assertIn(f".Xr vaultx-{command} 1", overview, f"vaultx(1) does not refer to vaultx-{command}(1)")

    def test_every_page_is_for_an_existing_command(self):
        commands = set(help_commands())
        for page in MAN.glob("vaultx-*.1"):
            command = page.name[len("vaultx-"):-len(".1")]
            self.assertIn(command, commands, f"{page.name} documents a command that 'vaultx help' does not list")

    def test_every_option_is_documented(self):
        for command in help_commands():
            page = (MAN / f"vaultx-{command}.1").read_text()
            for option in long_options(command):
                with self.subTest(command=command, option=option):
                    item = rf"(?m)^\.It .*\bFl {re.escape(option[1:])}(?![\w-])"
                    self.assertTrue(re.search(item, page), f"OPTIONS of vaultx-{command}(1) lacks {option}")

    def test_every_page_passes_mandoc_lint(self):
        mandoc = shutil.which("mandoc")
        if mandoc is None:
            self.skipTest("mandoc is not installed (apt-get install mandoc): man pages not linted")
        pages = sorted(MAN.glob("*.1"))
        self.assertTrue(pages)
        for page in pages:
            with self.subTest(page=page.name):
                # From man/, so that the cross-references between our pages resolve.
                result = run([mandoc, "-T", "lint", "-W", "warning", page.name], cwd=MAN)
                # mandoc also notes a missing mandoc.db of the system; that is not about the page.
                findings = [line for line in (result.stdout + result.stderr).splitlines()
                            if line and "mandoc.db" not in line]
                self.assertEqual(findings, [], f"mandoc -T lint -W warning {page.name}")
                self.assertEqual(result.returncode, 0, f"mandoc -T lint -W warning {page.name}")


class CompletionTablesTest(unittest.TestCase):
    """Each completion file knows every command and option of the binary."""

    def test_commands_and_options_are_in_every_completion(self):
        texts = {path.name: path.read_text() for path in (BASH_COMPLETION, ZSH_COMPLETION, FISH_COMPLETION)}
        for command in help_commands():
            for name, text in texts.items():
                with self.subTest(file=name, command=command):
                    self.assertTrue(mentions(text, command), f"{name} does not know the command '{command}'")
            for option in long_options(command):
                for name, text in texts.items():
                    # fish spells --raw as "-l raw".
                    word = f"-l {option[2:]}" if name == FISH_COMPLETION.name else option
                    with self.subTest(file=name, command=command, option=option):
                        self.assertTrue(mentions(text, word), f"{name} does not know '{command} {option}'")


def mentions(text, word):
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


BASH_HARNESS = r"""
source "$COMPLETION_FILE" || exit 90
spec=$(complete -p vaultx) || exit 91
func=${spec#*-F }
func=${func%% *}
COMP_WORDS=("$@")
COMP_CWORD=$(( $# - 1 ))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
"$func" vaultx "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"""


def make_store(directory):
    """A fast store with two secrets; returns the environment that unlocks it."""
    passphrase = Path(directory) / "pass"
    passphrase.write_text("docs test passphrase\n")
    env = clean_env(VAULTX_STORE=str(Path(directory) / "store"), VAULTX_PASSPHRASE_FILE=str(passphrase),
                    VAULTX_STATE_DIR=str(Path(directory) / "state"))
    binary = vaultx_bin()
    subprocess.run([binary, "init", "--kdf-memory", "8M", "--kdf-time", "1", "--kdf-parallelism", "1"],
                   env=env, check=True, stdin=subprocess.DEVNULL, timeout=60)
    for name in ("openai/api-key", "aws/s3-reader/key-id"):
        subprocess.run([binary, "set", name], env=env, check=True, input=b"value\n", timeout=60)
    return env


class BashCompletionTest(unittest.TestCase):
    def setUp(self):
        if shutil.which("bash") is None:
            self.skipTest("bash is not installed")

    def complete(self, *words, env=None):
        result = subprocess.run(["bash", "--norc", "--noprofile", "-c", BASH_HARNESS, "harness", *words],
                                capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=30,
                                env=env or clean_env(COMPLETION_FILE=str(BASH_COMPLETION)))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        return [line for line in result.stdout.splitlines() if line]

    def test_command_names(self):
        self.assertEqual(self.complete("vaultx", "se"), ["set"])
        self.assertIn("rotate", self.complete("vaultx", ""))

    def test_command_options(self):
        self.assertEqual(self.complete("vaultx", "get", "--r"), ["--raw"])
        self.assertEqual(self.complete("vaultx", "list", "--j"), ["--json"])
        self.assertEqual(self.complete("vaultx", "set", "x", "--expires", "n"), ["never"])

    def test_global_options(self):
        self.assertEqual(self.complete("vaultx", "--st"), ["--store"])
        self.assertEqual(self.complete("vaultx", "--vers"), ["--version"])

    def test_secret_names_when_vaultx_can_unlock_unasked(self):
        with tempfile.TemporaryDirectory() as tmp:
            env = make_store(tmp)
            env["COMPLETION_FILE"] = str(BASH_COMPLETION)
            self.assertEqual(self.complete(vaultx_bin(), "get", "op", env=env), ["openai/api-key"])
            self.assertEqual(self.complete(vaultx_bin(), "--store", env.pop("VAULTX_STORE"), "ls", "aws/s", env=env),
                             ["aws/s3-reader/", "aws/s3-reader/key-id"])

    def test_no_secret_names_and_no_vaultx_run_without_an_unlock_variable(self):
        with tempfile.TemporaryDirectory() as tmp:
            marker = Path(tmp) / "ran"
            fake = Path(tmp) / "vaultx"
            fake.write_text(f"#!/bin/sh\ntouch '{marker}'\necho openai/api-key\n")
            fake.chmod(0o755)
            env = clean_env(COMPLETION_FILE=str(BASH_COMPLETION), VAULTX_PASSPHRASE="not enough for completion")
            self.assertEqual(self.complete(str(fake), "get", "op", env=env), [])
            self.assertFalse(marker.exists(), "the completion ran vaultx with no way to unlock unasked")

    def test_never_touches_the_terminal(self):
        # With only VAULTX_IDENTITY_FILE set, this vaultx falls through to a
        # prompt on /dev/tty (not on stdin): the completion must run it where
        # there is no terminal, so that it fails at once instead.
        script = ("source \"$COMPLETION_FILE\"; COMP_WORDS=(\"$VX\" get ''); COMP_CWORD=2; "
                  "_vaultx; echo \"COMPLETED:${#COMPREPLY[@]}\"")
        with tempfile.TemporaryDirectory() as tmp:
            env = make_store(tmp)
            del env["VAULTX_PASSPHRASE_FILE"]
            env.update(COMPLETION_FILE=str(BASH_COMPLETION), VX=vaultx_bin(),
                       VAULTX_IDENTITY_FILE=str(Path(tmp) / "no-such-identity"))
            with Pty(["bash", "--norc", "--noprofile", "-c", script], env) as term:
                term.read_until(lambda: b"COMPLETED:" in term.output, 20)
        # Anything before the marker was written to the terminal by vaultx.
        self.assertTrue(term.output.startswith(b"COMPLETED:0"), term.output)


class Pty:
    """A program on a new pseudo-terminal, killed when the with block ends."""

    def __init__(self, argv, env):
        self.output = b""
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)

    def write(self, text):
        os.write(self.fd, text.encode())

    def read_until(self, done, timeout):
        """Collects output until done() holds, the program exits or `timeout` seconds pass."""
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            if select.select([self.fd], [], [], 0.2)[0]:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    return
                if not chunk:
                    return
                self.output += chunk


class ZshCompletionTest(unittest.TestCase):
    def setUp(self):
        if shutil.which("zsh") is None:
            self.skipTest("zsh is not installed (apt-get install zsh): zsh completion not checked")

    def test_loads_and_registers(self):
        script = ("fpath=(\"$COMPLETION_DIR\" $fpath); autoload -Uz compinit; compinit -u -D; "
                  "autoload +X _vaultx || exit 1; print -r -- \"${_comps[vaultx]}\"")
        result = run(["zsh", "-f", "-c", script], env=clean_env(COMPLETION_DIR=str(COMPLETIONS), HOME=tempfile.gettempdir()))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        self.assertEqual(result.stdout.strip(), "_vaultx")

    def test_completes_in_an_interactive_shell(self):
        self.assertEqual(zsh_complete(["vaultx se", "vaultx get --r"]), ["vaultx set ", "vaultx get --raw "])


def zsh_complete(lines, timeout=60):
    """Types each line and a Tab into an interactive zsh; returns the edited lines."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "buffers"
        setup = (f"PS1='> '; fpath=({COMPLETIONS} $fpath); autoload -Uz compinit; compinit -u -D; "
                 "zstyle ':completion:*' menu no; unsetopt beep; "
                 f"show-buffer() {{ print -r -- \"$BUFFER\" >> {out}; BUFFER=; }}; zle -N show-buffer; "
                 "bindkey '^T' show-buffer\n")

        def shown():
            return len(out.read_text().splitlines()) if out.exists() else 0

        with Pty(["zsh", "-f", "-i"], clean_env(TERM="dumb", HOME=tmp)) as term:
            # Until zle has drawn the next prompt the terminal is in canonical
            # mode, where the kernel would edit what we type: wait for it.
            term.write(setup + "print SETUP-$((6 * 7))\n")
            term.read_until(lambda: re.search(rb"SETUP-42.*> ", term.output, re.S), timeout)
            for count, line in enumerate(lines, 1):
                term.write(line + "\t\x14")
                term.read_until(lambda: shown() >= count, timeout)
        return out.read_text().splitlines() if out.exists() else []


class FishCompletionTest(unittest.TestCase):
    def setUp(self):
        if shutil.which("fish") is None:
            self.skipTest("fish is not installed (apt-get install fish): fish completion not checked")

    def complete(self, line):
        script = f"source {FISH_COMPLETION}; or exit 1; complete -C {quote_fish(line)}"
        result = run(["fish", "--no-config", "-c", script], env=clean_env(HOME=tempfile.gettempdir()))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        return [line.split("\t")[0] for line in result.stdout.splitlines()]

    def test_loads_and_completes(self):
        self.assertEqual(self.complete("vaultx se"), ["set"])
        self.assertEqual(self.complete("vaultx get --r"), ["--raw"])
        self.assertEqual(self.complete("vaultx set x --expires n"), ["never"])


def quote_fish(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


if __name__ == "__main__":
    unittest.main()
