#!/usr/bin/env python3
"""Offline tests of the KVM lab's modules in tools/lab/ (no QEMU, no KVM, no network)."""

import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import build  # noqa: E402
import common  # noqa: E402
import initramfs  # noqa: E402
import options  # noqa: E402
import qemu  # noqa: E402
import results  # noqa: E402
import testlist  # noqa: E402


def ctest_doc(*tests):
    return json.dumps({"kind": "ctestInfo", "version": {"major": 1, "minor": 0}, "tests": list(tests)})


class CtestJson(unittest.TestCase):
    def test_properties_become_cwd_env_timeout_skip_code(self):
        t = testlist.parse_ctest_json(ctest_doc({
            "name": "kvm_boot_x", "command": ["/b/test_kvm", "shape", "/b/x.elf"],
            "properties": [{"name": "SKIP_RETURN_CODE", "value": 77}, {"name": "TIMEOUT", "value": 60.0},
                           {"name": "WORKING_DIRECTORY", "value": "/b/tests/kvm"},
                           {"name": "ENVIRONMENT", "value": ["A=1", "B=x=y"]}]}))[0]
        self.assertEqual((t.name, t.command, t.cwd), ("kvm_boot_x", ["/b/test_kvm", "shape", "/b/x.elf"], "/b/tests/kvm"))
        self.assertEqual((t.timeout, t.skip_rc, t.env), (60, 77, {"A": "1", "B": "x=y"}))

    def test_defaults_without_properties(self):
        t = testlist.parse_ctest_json(ctest_doc({"name": "a", "command": ["/bin/true"]}))[0]
        self.assertEqual((t.cwd, t.skip_rc, t.timeout, t.env), (None, None, testlist.DEFAULT_TEST_TIMEOUT, {}))

    def test_unbuilt_test_is_an_error_not_dropped(self):
        with self.assertRaisesRegex(common.LabError, "kvm_x has no command"):
            testlist.parse_ctest_json(ctest_doc({"name": "kvm_x", "properties": []}))

    def test_disabled_left_out_and_bad_json_rejected(self):
        self.assertEqual(testlist.parse_ctest_json(ctest_doc(
            {"name": "d", "command": ["x"], "properties": [{"name": "DISABLED", "value": True}]})), [])
        with self.assertRaisesRegex(common.LabError, "not JSON"):
            testlist.parse_ctest_json("ctest: no tests")


class ResultLines(unittest.TestCase):
    def test_markers_parse_with_console_noise(self):
        self.assertEqual(results.parse_marker("@@LAB END kvm_raw_hlt rc=0 start=3.10 end=4.35\r\n"),
                         ("END", {"name": "kvm_raw_hlt", "rc": 0, "start": 3.10, "end": 4.35}))
        self.assertEqual(results.parse_marker("@@LAB OUT   ok  indented"), ("OUT", {"text": "  ok  indented"}))
        self.assertEqual(results.parse_marker("@@LAB EXIT rc=3"), ("EXIT", {"rc": 3}))
        self.assertEqual(results.parse_marker("[    1.2] random kernel line"), None)
        self.assertEqual(results.parse_marker("@@LAB END x rc=oops"), None)  # torn line: not a result
        out = io.StringIO()
        rep = results.Reporter([], out=out)  # --file mode: the command's output is shown raw
        for line in ["@@LAB READY x", "@@LAB BEGIN command", "line 1", "no newline@@LAB EXIT rc=4"]:
            rep.feed(line)
        self.assertEqual((out.getvalue().splitlines()[-2:], rep.exit_rc), (["line 1", "no newline"], 4))

    def test_reporter_counts_and_shows_failure_output(self):
        tests = [testlist.Test("a", ["x"]), testlist.Test("b", ["x"]), testlist.Test("c", ["x"], skip_rc=77)]
        out = io.StringIO()
        rep = results.Reporter(tests, out=out)
        for line in ["@@LAB READY Nested Paging enabled", "@@LAB BEGIN a", "@@LAB END a rc=0 start=1 end=2",
                     "@@LAB BEGIN b", "@@LAB OUT FAIL entry proved", "@@LAB END b rc=1 start=2 end=3",
                     "@@LAB BEGIN c", "@@LAB OUT SKIP: no kernel", "@@LAB END c rc=77 start=3 end=3",
                     "@@LAB DONE"]:
            rep.feed(line + "\n")
        self.assertEqual(rep.counts, {"passed": 1, "failed": 1, "skipped": 1})
        text = out.getvalue()
        self.assertRegex(text, r"FAIL +b .*exit 1\n +FAIL entry proved")
        self.assertRegex(text, r"SKIP +c .*SKIP: no kernel")
        self.assertTrue(rep.ready and rep.done)


class ExitRules(unittest.TestCase):
    def test_classify(self):
        self.assertEqual(results.classify(0, 77), "PASS")
        self.assertEqual(results.classify(77, 77), "SKIP")
        self.assertEqual(results.classify(77, None), "FAIL")  # no skip code: 77 is a failure
        self.assertEqual(results.classify(143, None, seconds=60.2, timeout=60), "TIMEOUT")
        self.assertEqual(results.classify(143, None, seconds=2, timeout=60), "FAIL")

    def test_exit_zero_only_when_all_ran_and_passed(self):
        self.assertEqual(results.exit_code({"passed": 5, "failed": 0, "skipped": 0}, 5), 0)
        self.assertEqual(results.exit_code({"passed": 4, "failed": 1, "skipped": 0}, 5), 1)
        self.assertEqual(results.exit_code({"passed": 4, "failed": 0, "skipped": 1}, 5), 1)
        self.assertEqual(results.exit_code({"passed": 4, "failed": 0, "skipped": 0}, 5), 1)  # one never reported
        self.assertEqual(results.exit_code({"passed": 0, "failed": 0, "skipped": 0}, 0), 1)
        self.assertEqual(results.closing_line({"passed": 25, "failed": 0, "skipped": 0}),
                         "kvm-lab: 25 passed, 0 failed, 0 skipped")


class Hangs(unittest.TestCase):
    """run_lab's two wall-clock limits, with a shell standing in for QEMU."""

    def test_stall_before_kvm_and_hang_in_a_test_end_with_a_message(self):
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "console.log")
            ok, msg = qemu.run_lab(["sh", "-c", "echo booting; sleep 30"], results.Reporter([], out=io.StringIO()),
                                  timeout=20, log_path=log, boot_timeout=1)
            self.assertFalse(ok)
            self.assertIn("the lab kernel stalled: KVM not up after 1 s; console tail:\n  | booting", msg)
            rep = results.Reporter([testlist.Test("t1", ["x"])], out=io.StringIO())
            ok, msg = qemu.run_lab(["sh", "-c", "echo '@@LAB READY x'; echo '@@LAB BEGIN t1'; sleep 30"], rep,
                                  timeout=2, log_path=log, shown_timeout=2, boot_timeout=10)
            self.assertFalse(ok)
            self.assertIn("the lab hung: killed at --timeout 2 s while running t1", msg)
            ok, msg = qemu.run_lab(["sh", "-c", "echo '@@LAB READY x'"], results.Reporter([], out=io.StringIO()),
                                  timeout=5, log_path=log)
            self.assertEqual((ok, msg), (True, "QEMU exit 0"))


class EnsureBuilt(unittest.TestCase):
    """A fresh clone (no build directory) is configured and built, not refused."""

    def run_in(self, build_dir, rebuild):
        calls = []
        build.ensure_built(build_dir, rebuild, run=lambda cmd, **kw: calls.append(cmd))
        return calls

    def test_missing_build_is_configured_and_built(self):
        with tempfile.TemporaryDirectory() as d:
            b = os.path.join(d, "fresh")
            self.assertEqual(self.run_in(b, False),
                             [["cmake", "-S", common.SOURCE_DIR, "-B", b], ["cmake", "--build", b, "-j2"]])
            default = os.path.join(common.SOURCE_DIR, "build", "default")
            if not os.path.isfile(os.path.join(default, "CMakeCache.txt")):
                self.assertEqual(self.run_in(default, False)[0], ["cmake", "--preset", "default"])

    def test_existing_build_is_left_alone_unless_asked(self):
        with tempfile.TemporaryDirectory() as d:
            open(os.path.join(d, "CMakeCache.txt"), "w").close()
            self.assertEqual(self.run_in(d, False), [])
            self.assertEqual(self.run_in(d, True), [["cmake", "--build", d, "-j2"]])


class Shards(unittest.TestCase):
    def test_shards_are_disjoint_and_cover_every_test(self):
        tests = [testlist.parse_ctest_json(ctest_doc({"name": "kvm_%02d" % i, "command": ["/bin/true"]}))[0]
                 for i in range(11)]
        got = [[t.name for t in testlist.shard(tests, "%d/4" % i)] for i in range(4)]
        flat = sorted(n for g in got for n in g)
        self.assertEqual(flat, sorted(t.name for t in tests))
        self.assertTrue(all(got))
        for bad in ("4/4", "1", "-1/2", "0/0", None):
            with self.assertRaises(common.LabError):
                testlist.shard(tests, bad)


class FileArgs(unittest.TestCase):
    def test_files_and_command(self):
        opts, files, cmd = options.split_file_args(["--quiet", "--file", "a/vmlinux", "--file=b/grub.elf", "--",
                                                "pvhcheck", "boot", "--file", "x"])
        self.assertEqual((opts, files, cmd), (["--quiet"], ["a/vmlinux", "b/grub.elf"], ["pvhcheck", "boot", "--file", "x"]))
        a = options.parse_args(["--file", "k", "--timeout", "50", "--", "pvhcheck", "inspect", "/lab/files/k"])
        self.assertEqual((a.files, a.command, a.timeout), (["k"], ["pvhcheck", "inspect", "/lab/files/k"], 50))

    def test_file_errors(self):
        for argv, msg in [(["--file", "k"], "needs a command"), (["--", "ls"], "needs at least one --file"),
                          (["--file"], "needs a PATH"), (["--file", "a/k", "--file", "b/k", "--", "ls"], "both be /lab/files/k")]:
            with self.assertRaisesRegex(common.LabError, msg):
                options.split_file_args(argv)

    def test_run_script_quotes_and_limits(self):
        s = initramfs.run_script_tests([testlist.Test("t1", ["/b/x", "a b"], cwd="/b/d", env={"K": "v w"}, timeout=9)])
        self.assertIn("cd /b/d && export K='v w' && exec timeout 9 /b/x 'a b'", s)
        self.assertIn('@@LAB END t1 rc=$rc', s)
        with tempfile.TemporaryDirectory() as d:
            st = initramfs.Staging()
            st.add_bytes("/lab/run.sh", b"echo hi\n", 0o755)
            st.add_node("/dev/console", 5, 1)
            st.write_cpio(os.path.join(d, "x.cpio"))
            data = open(os.path.join(d, "x.cpio"), "rb").read()
            self.assertTrue(data.startswith(b"070701"))
            self.assertIn(b"lab/run.sh\0", data)
            self.assertIn(b"TRAILER!!!\0", data)
            self.assertEqual(len(data) % 4, 0)


if __name__ == "__main__":
    unittest.main()
