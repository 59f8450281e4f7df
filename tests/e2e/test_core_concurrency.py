"""Concurrent processes: writers of different secrets, writers of one secret,
readers during writes. Every write must land and every read must succeed."""
import json
import os

import vxtest


def start_all(vx, jobs):
    """Starts every (args, stdin bytes) job before feeding any of them, so they run at once."""
    procs = [vx.spawn(args) for args, _ in jobs]
    for p, (_, data) in zip(procs, jobs):
        p.stdin.write(data)
        p.stdin.close()
    results = []
    for p in procs:
        out, err = p.stdout.read(), p.stderr.read()
        p.wait()
        p.stdout.close()
        p.stderr.close()
        results.append(vxtest.Result(p.args[1:], p.returncode, out, err))
    return results


class ConcurrencyTests(vxtest.VxTestCase):
    def setUp(self):
        super().setUp()
        self.vx.init()

    def test_twenty_writers_of_different_secrets(self):
        values = {f"writer/{i:02d}": f"value-of-writer-{i}-".encode() * (i + 1) for i in range(20)}
        results = start_all(self.vx, [(["set", "--raw", n], v) for n, v in values.items()])
        for r in results:
            self.assertExit(r, 0)
        self.assertEqual(self.vx.ok(["ls"]).stdout.decode().split(), sorted(values))
        for name, value in values.items():
            with self.subTest(name=name):
                self.assertEqual(self.vx.get(name), value)
        self.assertEqual(len(self.vx.secret_files()), 20)
        self.assertEqual([n for n in os.listdir(self.vx.secrets_dir()) if n.startswith(".")], [])

    def test_ten_writers_of_one_secret_serialise(self):
        self.vx.set("shared", b"initial")
        values = [f"shared-value-{i}".encode() for i in range(10)]
        readers = [(["get", "--raw", "shared"], b"")] * 6
        results = start_all(self.vx, [(["set", "--raw", "shared"], v) for v in values] + readers)
        for r in results:
            self.assertExit(r, 0)
        for r in results[len(values):]:
            self.assertIn(r.stdout, [b"initial", *values], "a reader saw a value nobody wrote")
        self.assertIn(self.vx.get("shared"), values)
        # Each write read the version before it under the lock: none was lost.
        entry = json.loads(self.vx.ok(["ls", "--json"]).stdout)[0]
        self.assertEqual(entry["version"], 1 + len(values))

    def test_readers_racing_writers_never_see_a_false_rollback(self):
        # A reader that reads the secret file, then the rollback ledger, can
        # find a mark a writer raised in between, and take a fresh file for a
        # rolled-back one: readers must read the ledger first. Rounds of
        # writers and readers at once; every read must succeed.
        import threading
        self.vx.set("raced", b"v0")
        self.vx.set("other", b"x")
        failures = []

        def reader(name):
            for _ in range(8):
                r = self.vx.run(["get", "--raw", name])
                if r.returncode != 0:
                    failures.append(r.describe())
            r = self.vx.run(["ls", "--long"])
            if r.returncode != 0:
                failures.append(r.describe())

        def writer(i):
            for round_ in range(6):
                self.vx.run(["set", "--raw", "raced"], input=f"w{i}-{round_}".encode())

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(3)]
        threads += [threading.Thread(target=reader, args=("raced",)) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])
        entry = [e for e in json.loads(self.vx.ok(["ls", "--json"]).stdout) if e["name"] == "raced"][0]
        self.assertEqual(entry["version"], 1 + 3 * 6)

    def test_writers_and_removers_at_once(self):
        for i in range(10):
            self.vx.set(f"gone/{i}", b"to-be-removed")
        jobs = [(["rm", f"gone/{i}"], b"") for i in range(10)]
        jobs += [(["set", "--raw", f"kept/{i}"], f"kept-{i}".encode()) for i in range(10)]
        for r in start_all(self.vx, jobs):
            self.assertExit(r, 0)
        self.assertEqual(self.vx.ok(["ls"]).stdout.decode().split(), sorted(f"kept/{i}" for i in range(10)))


if __name__ == "__main__":
    vxtest.main()
