"""vaultx scan: stored values, and their encoded forms, found in real files
and in a real git work tree (ignored files left out); never printed."""
import base64
import json
import os
import shutil
import subprocess
import unittest
import urllib.parse

import vxtest

TOKEN = "tok_Secret/Value+42 xyz"
DBURL = "postgres://app:hunter22@db/prod"


class ScanTest(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        self.vx.init()
        self.vx.set("api/token", TOKEN)
        self.vx.set("db/url", DBURL)
        self.vx.set("pin", "123")  # too short to look for
        self.tree = os.path.join(self.vx.root, "project")
        os.makedirs(self.tree)

    def write(self, rel, data):
        path = os.path.join(self.tree, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        return path

    def test_clean_tree_exits_0(self):
        self.write("a.txt", "nothing here\n123\n")
        r = self.vx.run(["scan", "project"])
        self.assertExit(r, 0)
        self.assertEqual(r.stdout, b"")
        self.assertStderrHas(r, "shorter than 4 bytes", "pin")

    def test_every_form_is_found_with_its_line(self):
        raw = TOKEN.encode()
        self.write("plain.env", "# config\nTOKEN=" + TOKEN + "\n")
        self.write("b64.yaml", "a: 1\nb: 2\nsecret: " + base64.b64encode(raw).decode() + "\n")
        self.write("url.txt", "x\n\n\nhttps://h/?t=" + urllib.parse.quote(TOKEN, safe="") + "\n")
        self.write("hex.txt", raw.hex().upper() + "\n" + DBURL.encode().hex() + "\n")
        self.write("data.json", json.dumps({"u": DBURL}).replace("/", "\\/") + "\n")  # PHP style
        r = self.vx.run(["scan", "--json", "project"])
        self.assertExit(r, 1)
        self.assertNotLeaked(r, TOKEN, DBURL)
        hits = sorted((h["path"], h["line"], h["name"], h["form"]) for h in map(json.loads, r.stdout.splitlines()))
        self.assertEqual(hits, [
            ("project/b64.yaml", 3, "api/token", "base64"),
            ("project/data.json", 1, "db/url", "json"),
            ("project/hex.txt", 1, "api/token", "hex"),
            ("project/hex.txt", 2, "db/url", "hex"),
            ("project/plain.env", 2, "api/token", "plain"),
            ("project/url.txt", 4, "api/token", "url"),
        ])
        text = self.vx.run(["scan", "project/plain.env"])
        self.assertExit(text, 1)
        self.assertEqual(text.stdout, b"project/plain.env:2: api/token\n")

    def test_store_symlinks_and_git_dir_are_skipped(self):
        os.symlink(os.path.join(self.tree, "real.txt"), os.path.join(self.tree, "link.txt"))
        self.write("real.txt", "clean\n")
        self.write(".git-not/x", "clean\n")
        os.makedirs(os.path.join(self.tree, ".git"))
        self.write(".git/config", TOKEN)
        self.write("target.txt", "clean\n")
        os.symlink(os.path.join(self.vx.root, "outside"), os.path.join(self.tree, "dirlink"))
        os.makedirs(os.path.join(self.vx.root, "outside"))
        with open(os.path.join(self.vx.root, "outside", "leak"), "w") as f:
            f.write(TOKEN)
        # not a work tree: .git/config is skipped by the walk; the store under the root is skipped too
        r = self.vx.run(["scan", "."])
        self.assertEqual(r.stdout.decode().count("project/"), 0, r.describe())
        self.assertIn(b"outside/leak", r.stdout)
        self.assertNotIn(b"store/", r.stdout)

    def test_git_tree_honours_gitignore(self):
        if shutil.which("git") is None:
            self.skipTest("git is not installed")
        env = dict(os.environ, HOME=self.vx.home, GIT_CONFIG_NOSYSTEM="1")
        subprocess.run(["git", "init", "-q", self.tree], check=True, env=env)
        self.write(".gitignore", ".env\n")
        self.write(".env", "TOKEN=" + TOKEN + "\n")
        self.write("src/app.py", "print('hi')\nKEY = '" + DBURL + "'\n")
        self.write("untracked.txt", "x " + TOKEN + "\n")
        subprocess.run(["git", "-C", self.tree, "add", ".gitignore", "src/app.py"], check=True, env=env)
        r = self.vx.run(["scan", "project"])
        self.assertExit(r, 1)
        self.assertEqual(sorted(r.stdout.decode().splitlines()),
                         ["project/src/app.py:2: db/url", "project/untracked.txt:1: api/token"])
        # named explicitly, an ignored file is scanned
        self.assertExit(self.vx.run(["scan", "project/.env"]), 1)

    def test_errors_and_audit(self):
        self.assertExit(self.vx.run(["scan"]), 2)
        self.assertExit(self.vx.run(["scan", "no/such/path"]), 5)
        self.write("a.txt", DBURL)
        self.assertExit(self.vx.run(["scan", "project"], env={"VAULTX_PASSPHRASE": "wrong"}), 3)
        self.assertExit(self.vx.run(["scan", "project"]), 1)
        log = self.vx.ok(["audit", "--op", "scan", "--json"]).stdout.decode()
        self.assertIn("db/url", log)
        self.assertNotIn(DBURL, log)


if __name__ == "__main__":
    vxtest.main()
