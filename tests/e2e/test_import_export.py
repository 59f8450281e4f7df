"""vaultx import and export.

The dotenv reader is checked against the reference parser, the npm `dotenv`
package (the version pinned in test_env_formats), on the same inputs: a
hostile file imported then exported gives back exactly what dotenv.parse()
reads from the original, and on a list of tricky snippets vaultx either
reads what dotenv reads or refuses the file naming its line (where dotenv
would silently skip or guess). Imports are all or nothing: a bad line, a bad
name or an existing secret (without --overwrite) leaves the store as it was.
"""
import json
import os
import subprocess
import time
import unittest

import vxtest
from test_env_formats import NODE_PARSE, install_dotenv

# Keys are environment names, so that export gives back the same keys.
HOSTILE_ENV = (
    b"# A hostile .env file: every feature of the dotenv grammar at once.\n"
    b"export EXPORTED=plain value   # trailing comment and spaces\n"
    b"SPACED   =    spaced out\n"
    b"COLON: colon form\n"
    b"EMPTY=\n"
    b"HASH_IN_QUOTES='# not a comment' # but this is\n"
    b"SINGLE='it\\'s \"quoted\" $HOME ${PATH} $(id)'\n"
    b"DOUBLE=\"line one\\nline two \\\\n \\t \\\"q\\\"\"\n"
    b"CR_DOUBLE=\"carriage\\r\\nreturn\"\n"
    b"BACKTICK=`it's \"all\" here`\n"
    b"MULTI_SINGLE='first line\n"
    b"  second line with \"quotes\"\n"
    b"\n"
    b"last line'\n"
    b"MULTI_DOUBLE=\"a\n"
    b"b # not a comment\n"
    b"c\"\n"
    b"MULTI_BACKTICK=`x\n"
    b"y`  # comment after a multi-line value\n"
    b"EQUALS=a=b==c=\n"
    b"UNICODE=caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x94\x91\n"
    b"NBSP_TRIMMED=\xc2\xa0nbsp\xc2\xa0\n"
    b"QUOTED_SPACES='   both ends   '\n"
    b"DOLLAR=$NOT_EXPANDED ${NEITHER}\n"
    b"CRLF=crlf line\r\n"
    b"CR_ONLY=cr line\r"
    b"lower_case_key=lower\n"
    b"DUPLICATE=first\n"
    b"DUPLICATE=second wins\n"
    b"  INDENTED=indented key\n"
    b"\tTABBED\t=\ttabbed\t\n"
    b"QUOTE_IN_UNQUOTED=it's a \"value\"\n"
    b"BACKSLASHES=C:\\path\\to\\n\n"
    b"JSONISH={\"a\": [1, 2]}\n"
    b"# the end, without a newline\n"
    b"LAST='no newline at the end'"
)

# Snippets vaultx must read exactly as dotenv does.
AGREE = [
    b"A=1", b"A=  x y  # c", b"A=abc#def", b"A=#x", b"A='x' # c", b"A=\"a\\nb\\\\n\\r\"",
    b"A='a\\nb'", b"A=\"say \\\"hi\\\"\"", b"A='it\\'s'", b"A='x\\'", b"A='a\\' # c ' x",
    b"A='a\\'b\\'\nB=1", b"export FOO=1", b"export export=1", b"export =1", b"exportFOO=1",
    b"a.b-c_D9=1", b"K: v", b"K:\t 'q' # c", b"\xef\xbb\xbfA=1", b"A=1\r\nB=2\rC=3",
    b"A='multi\nline' # c\nB=2", b"A=\"crlf\r\nline\"", b"A=\xe3\x80\x80x\xe2\x80\x8a",
    b"A=\"x\xe2\x80\xa8y\"", b"A=`a'b\"c`", b"A=\"`'\"", b"A=1\nA=2", b"A = \"\"",
    b"A=\"\"\nB=''\nC=``",
]
# Snippets vaultx refuses, naming the line: dotenv skips a line, or reads a
# value other than the one its author meant.
REFUSE = [
    b"FOO", b"A=1\nFOO\n=bar", b"K :v", b"K:v", b"A='x' y", b"A=\"unterminated\nB=2",
    b"A=\n'x'", b"__proto__=1", b"A=x\xe2\x80\xa8B=1", b"A=1\nB=caf\xe9", b"export FOO BAR=1",
    b"A=1 'x' \nB='y' z",
]


class ImportExport(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        self.vx.init()

    def write(self, name, data):
        path = os.path.join(self.vx.root, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def dotenv_parse(self, data):
        module = install_dotenv()
        p = subprocess.run(["node", "-e", NODE_PARSE, module, "default"], input=data, capture_output=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def export_json(self, *prefix):
        return json.loads(self.vx.ok(["export", "--format", "json", *prefix]).stdout)

    def names(self):
        return self.vx.ok(["ls"]).stdout.decode().split()

    # -- agreement with the reference parser

    def test_hostile_file_round_trip_agrees_with_npm_dotenv(self):
        expected = self.dotenv_parse(HOSTILE_ENV)
        self.assertGreater(len(expected), 25, expected)
        path = self.write("hostile.env", HOSTILE_ENV)
        r = self.vx.ok(["import", path])
        self.assertNotLeaked(r, b"crlf line", b"nbsp", b"second wins")
        self.assertStderrHas(r, "hostile.env:28", "DUPLICATE")  # the second definition wins, with a warning
        self.assertEqual(self.export_json(), expected, "import then export --format json")
        exported = self.vx.ok(["export", "--format", "dotenv"]).stdout
        self.assertEqual(self.dotenv_parse(exported), expected, "import then export, read by dotenv.parse")
        for key in ("MULTI_SINGLE", "DOUBLE", "UNICODE", "CR_ONLY"):
            self.assertEqual(self.vx.get(key).decode(), expected[key], key)

    def snippet_import(self, i, snippet):
        path = self.write(f"s{i}.env", snippet)
        prefix = f"s{i}"
        r = self.vx.run(["import", "--prefix", prefix, path])
        got = {name[len(prefix) + 1:]: self.vx.get(name).decode()
               for name in self.names() if name.startswith(prefix + "/")}
        return r, got

    def test_snippets_agree_with_npm_dotenv(self):
        install_dotenv()
        for i, snippet in enumerate(AGREE):
            with self.subTest(snippet=snippet):
                r, got = self.snippet_import(i, snippet)
                self.assertExit(r, 0)
                self.assertEqual(got, self.dotenv_parse(snippet))

    def test_snippets_dotenv_misreads_are_refused_naming_the_line(self):
        for i, snippet in enumerate(REFUSE):
            with self.subTest(snippet=snippet):
                r, got = self.snippet_import(i, snippet)
                self.assertExit(r, 2)
                self.assertRegex(r.stderr.decode(errors="replace"), rf"s{i}\.env:\d+: ")
                self.assertEqual(got, {}, "nothing is imported")

    # -- all or nothing

    def test_a_bad_line_names_file_and_line_and_imports_nothing(self):
        path = self.write("bad.env", b"GOOD=1\nALSO_GOOD='x\ny'\nTHIS LINE IS BAD\nLATER=2\n")
        before = self.vx.snapshot()
        r = self.vx.run(["import", path])
        self.assertExit(r, 2)
        self.assertStderrHas(r, "bad.env:4:")
        self.assertEqual(self.vx.snapshot(), before)

    def test_a_value_over_the_store_limit_imports_nothing(self):
        # The store refuses values over 1 MiB; the import finds out before its first write.
        path = self.write("big.env", b"FIRST=1\nHUGE='" + b"x" * (1024 * 1024 + 1) + b"'\nLAST=2\n")
        r = self.vx.run(["import", path])
        self.assertExit(r, 2)
        self.assertStderrHas(r, "big.env:2:", "1 MiB")
        self.assertEqual(self.names(), [])

    def test_a_key_that_is_no_secret_name_imports_nothing(self):
        path = self.write("names.env", b"OK=1\n..=2\n")
        r = self.vx.run(["import", path])
        self.assertExit(r, 2)
        self.assertStderrHas(r, "names.env:2", "'..'")
        self.assertEqual(self.names(), [])

    def test_existing_secrets_are_never_overwritten_without_overwrite(self):
        self.vx.set("KEEP", b"old value")
        self.vx.set("SAME", b"same")
        path = self.write("new.env", b"NEW=fresh\nSAME=same\nKEEP=new value\n")
        before = self.vx.snapshot()
        r = self.vx.run(["import", path])
        self.assertExit(r, 1)
        self.assertStderrHas(r, "KEEP", "--overwrite", "nothing was imported")
        self.assertNotLeaked(r, b"old value", b"new value")
        self.assertEqual(self.vx.snapshot(), before, "not even NEW was written")
        dry = self.vx.run(["import", "--dry-run", "--overwrite", path])
        self.assertExit(dry, 0)
        self.assertEqual(dry.stdout, b"create NEW\nunchanged SAME\nupdate KEEP\n")
        self.assertEqual(self.vx.snapshot(), before, "--dry-run writes nothing")
        r = self.vx.ok(["import", "--overwrite", path])
        self.assertStderrHas(r, "1 new, 1 updated, 1 unchanged")
        self.assertEqual(self.vx.get("KEEP"), b"new value")
        self.assertEqual(self.vx.get("NEW"), b"fresh")
        self.assertEqual(self.vx.ok(["ls", "--long", "--json"]).stdout.count(b'"version"'), 3)
        versions = {e["name"]: e["version"] for e in json.loads(self.vx.ok(["ls", "--long", "--json"]).stdout)}
        self.assertEqual(versions["SAME"], 1, "an unchanged value is not rewritten")

    def test_dry_run_reports_conflicts_and_fails(self):
        self.vx.set("KEEP", b"old")
        path = self.write("c.env", b"KEEP=new\n")
        r = self.vx.run(["import", "-n", path])
        self.assertExit(r, 1)
        self.assertEqual(r.stdout, b"exists KEEP\n")

    def test_prefix(self):
        path = self.write("p.env", b"DATABASE_URL=postgres://x\nAPI_KEY=k\n")
        self.vx.ok(["import", "--prefix", "app/prod/", path])
        self.assertEqual(self.names(), ["app/prod/API_KEY", "app/prod/DATABASE_URL"])
        self.assertEqual(self.export_json("app/prod"), {"API_KEY": "k", "DATABASE_URL": "postgres://x"})
        self.assertExit(self.vx.run(["import", "--prefix", "../x", path]), 2)

    def test_stdin(self):
        self.vx.ok(["import", "-"], input=b"FROM_STDIN='yes'\n")
        self.assertEqual(self.vx.get("FROM_STDIN"), b"yes")

    def test_missing_file(self):
        r = self.vx.run(["import", os.path.join(self.vx.root, "absent.env")])
        self.assertExit(r, 5)
        self.assertStderrHas(r, "absent.env")

    # -- JSON

    def test_json_import_nested_and_export(self):
        doc = {"openai": {"api-key": "sk-\u00e9\n\"x\""}, "DATABASE_URL": "postgres://u:p@h/db", "e": ""}
        path = self.write("s.json", json.dumps(doc).encode())
        self.vx.ok(["import", path])  # the format follows the .json suffix
        self.assertEqual(self.names(), ["DATABASE_URL", "e", "openai/api-key"])
        self.assertEqual(self.vx.get("openai/api-key").decode(), doc["openai"]["api-key"])
        self.assertEqual(self.export_json("openai"), {"API_KEY": doc["openai"]["api-key"]})
        exported = self.export_json()
        self.assertEqual(exported["OPENAI_API_KEY"], doc["openai"]["api-key"])

    def test_json_errors_name_file_and_line_and_import_nothing(self):
        for text, where in ((b'{\n"a": "1",\n"a": "2"\n}', "d.json:3"), (b'{"a": 1}', "d.json:1"),
                            (b'{\n  "a": "x",\n}', "d.json:3"), (b'["a"]', "d.json:1")):
            with self.subTest(text=text):
                path = self.write("d.json", text)
                r = self.vx.run(["import", "--format", "json", path])
                self.assertExit(r, 2)
                self.assertStderrHas(r, where)
                self.assertEqual(self.names(), [])

    # -- export

    def test_export_refuses_two_secrets_with_one_variable(self):
        self.vx.set("a/b-c", b"1")
        self.vx.set("a/B_C", b"2")
        r = self.vx.run(["export", "a"])
        self.assertExit(r, 2)
        self.assertStderrHas(r, "a/b-c", "a/B_C", "B_C")
        self.assertEqual(r.stdout, b"")

    def test_export_of_nothing_and_of_a_bad_prefix(self):
        self.assertEqual(self.vx.ok(["export"]).stdout, b"")
        self.assertExit(self.vx.run(["export", "a//b"]), 2)

    def test_export_is_audited(self):
        self.vx.set("x/one", b"1")
        self.vx.ok(["export", "x"])
        records = [json.loads(line) for line in self.vx.ok(["audit", "--json"]).stdout.splitlines()]
        self.assertEqual(records[-1]["op"], "export")
        self.assertEqual(records[-1]["names"], ["x/one"])

    # -- scale

    def test_a_thousand_lines(self):
        lines = b"".join(b"KEY_%04d='value %d with # and \"quotes\"'\n" % (i, i) for i in range(1000))
        path = self.write("big.env", lines)
        start = time.monotonic()
        self.vx.ok(["import", path])
        elapsed = time.monotonic() - start
        print(f"\nimport of 1,000 dotenv lines: {elapsed:.2f} s", flush=True)
        self.assertEqual(len(self.names()), 1000)
        self.assertEqual(self.vx.get("KEY_0999"), b'value 999 with # and "quotes"')
        self.assertLess(elapsed, 60)


if __name__ == "__main__":
    vxtest.main()
