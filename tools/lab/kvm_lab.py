#!/usr/bin/env python3
"""The KVM lab: pvhcheck's KVM tests on a real KVM, on any host.

QEMU TCG with `-cpu max` emulates AMD SVM with nested paging. Inside it the
Debian cloud kernel (the one tools/fetch-debian-kernel.sh fetches) loads its
own kvm.ko/kvm-amd.ko, so /dev/kvm is the real KVM code, not a fake. This
script builds an initramfs with those modules, busybox-static and the
project's build outputs at their host paths (so ctest's commands, working
directories and arguments hold unchanged), runs every test ctest labels `kvm`
(minus `unit`) plus lab.linux_poweroff, and streams one result line per test.

Lab times are TCG times: never compare them with host times.
See docs/kvm-lab.md.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build import ensure_built  # noqa: E402
from common import MARK, LabError, cache_dir, say  # noqa: E402
from initramfs import build_initramfs  # noqa: E402
from kernel import lab_kernel, lab_modules  # noqa: E402
from options import parse_args  # noqa: E402
from qemu import qemu_command, run_lab  # noqa: E402
from results import Reporter, closing_line, exit_code  # noqa: E402
from testlist import ctest_tests, linux_poweroff_test, shard, split_by_paging  # noqa: E402


def run_pass(args, work, tests, modules, vmlinux, krel, npt, deadline):
    """One lab boot: (reporter, ok, message). Raises LabError if KVM never came up."""
    os.makedirs(work, exist_ok=True)
    initramfs = build_initramfs(work, args, tests, modules, vmlinux, npt)
    if not args.quiet:
        what = "%d tests" % len(tests) if tests else " ".join(args.command)
        say("lab kernel %s, kvm_amd %s, initramfs %d MB, running %s (TCG: slow, never compare with host times)"
            % (krel, "nested paging" if npt else "npt=0 (shadow paging)", os.path.getsize(initramfs) >> 20, what))
    for attempt in (1, 2):
        rep = Reporter(tests, quiet=args.quiet, verbose=args.verbose)
        budget = max(int(deadline - time.monotonic()), 1)
        ok, msg = run_lab(qemu_command(vmlinux, initramfs, args.mem), rep, budget,
                          os.path.join(work, "console-%d.log" % attempt), args.timeout)
        if rep.ready or rep.setup_fail or attempt == 2 or not msg.startswith("the lab kernel stalled"):
            break
        # Seen rarely on a loaded host: the lab kernel stops before /init. A second boot has
        # always come up; say so instead of hiding it.
        print("kvm-lab: %s; booting the lab once more" % msg, file=sys.stderr, flush=True)
    if rep.setup_fail:
        raise LabError("the lab could not bring up KVM: %s" % rep.setup_fail)
    if not rep.ready:
        tail = "\n".join("  | " + l for l in rep.tail[-15:])
        raise LabError("%s; KVM never came up in the lab. Console tail:\n%s" %
                       (msg if not ok else "lab ended (%s)" % msg, tail))
    return rep, ok, msg


def main(argv):
    try:
        args = parse_args(argv)
    except LabError as e:
        print("kvm-lab: usage error: %s" % e, file=sys.stderr)
        return 2
    # Absolute: the lab maps host paths into its initramfs, and a relative
    # --build-dir would name a path relative to wherever the command runs inside.
    args.build_dir = os.path.abspath(args.build_dir)
    started = time.monotonic()
    deadline = started + args.timeout
    work = tempfile.mkdtemp(prefix="kvm-lab.")
    try:
        for tool in ("qemu-system-x86_64", "ctest", "apt-get", "dpkg-deb", "ldd"):
            if not shutil.which(tool):
                raise LabError("'%s' not found (run tools/setup.sh)" % tool)
        ensure_built(args.build_dir, args.build)
        cache = cache_dir()
        vmlinux, krel = lab_kernel(cache)
        modules = lab_modules(cache, krel)
        if args.command:
            rep, ok, msg = run_pass(args, work, [], modules, vmlinux, krel, args.npt == "on", deadline)
            if rep.exit_rc is None:
                raise LabError(msg if not ok else "the command's exit status never arrived (%s)" % msg)
            say("command exit %d (%.0f s wall)" % (rep.exit_rc, time.monotonic() - started))
            return rep.exit_rc
        tests = ctest_tests(args.build_dir)
        if not args.no_linux:
            tests.append(linux_poweroff_test(os.path.join(args.build_dir, "cli", "pvhcheck")))
        if args.tests_regex:
            tests = [t for t in tests if re.search(args.tests_regex, t.name)]
        if args.shard:
            tests = shard(tests, args.shard)
        if not tests:
            raise LabError("no tests selected")
        counts = {"passed": 0, "failed": 0, "skipped": 0}
        for npt, group in zip((True, False), split_by_paging(tests)):
            if not group:
                continue
            rep, ok, msg = run_pass(args, os.path.join(work, "npt" if npt else "shadow"), group, modules, vmlinux,
                                    krel, npt, deadline)
            if not ok:
                if rep.current:
                    rep.feed(MARK + "END %s rc=137" % rep.current)
                print("kvm-lab: %s" % msg, flush=True)
            ran = sum(rep.counts.values())
            if ran != len(group):
                print("kvm-lab: only %d of %d tests reported a result" % (ran, len(group)), flush=True)
                rep.counts["failed"] += len(group) - ran
            for k in counts:
                counts[k] += rep.counts[k]
        print("kvm-lab: %.0f s wall (lab times are TCG times, not benchmarks)" % (time.monotonic() - started), flush=True)
        print(closing_line(counts), flush=True)
        return exit_code(counts, len(tests))
    except LabError as e:
        print("kvm-lab: error: %s" % e, file=sys.stderr, flush=True)
        return 3
    except subprocess.CalledProcessError as e:
        print("kvm-lab: error: %s" % e, file=sys.stderr, flush=True)
        return 3
    finally:
        if args.keep:
            say("work directory kept: %s (lab.cpio, console-N.log)" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
