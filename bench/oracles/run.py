#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Mutation benchmark for the test suite and the fuzzing oracles.

Plants each one-line bug of mutants.py in a copy of the tree, rebuilds, and
tries to kill it, stage by stage, stopping at the first that does:
  tests   the unit tests (ctest -L unit, without the real-kernel and foreign
          file suites), ASan + UBSan;
  replay  the fuzz targets replaying corpus/ and corpus/regressions/ (ctest
          -L corpus), ASan + UBSan;
  fuzz    each fuzz target under libFuzzer + ASan + UBSan from its seeds for
          --time seconds (the target closest to the mutated file first).
Prints a table (mutant, class, killed by, what fired, seconds to kill) and the
score; exits 1 if any mutant survives. `--stages replay,fuzz` measures the
oracles alone (no unit tests).

  bench/oracles/run.py                       # every mutant, 60 s per target
  bench/oracles/run.py --time 5 --max 10     # CI: 10 mutants spread over the list
  bench/oracles/run.py --only plan-one-byte-overlap-missed --stages fuzz
  bench/oracles/run.py --kvm                 # the KVM-only mutants, in one KVM-lab session
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from mutants import KVM_MUTANTS, MUTANTS  # noqa: E402

# Fuzz targets to try first, by the file a mutant touches.
TARGET_ORDER = {
    "loader/note.c": ["fuzz_notes", "fuzz_load"],
    "loader/memmap.c": ["fuzz_helpers", "fuzz_layout", "fuzz_load"],
    "loader/plan.c": ["fuzz_layout", "fuzz_load"],
    "loader/boot_data.c": ["fuzz_layout", "fuzz_load"],
    "loader/entry.c": ["fuzz_layout", "fuzz_helpers", "fuzz_load"],
    "bzimage/header.c": ["fuzz_bzimage"],
    "bzimage/unpack.c": ["fuzz_bzimage"],
    "bzimage/dec_lz4.c": ["fuzz_bzimage"],
    "bzimage/dec_lzo.c": ["fuzz_bzimage"],
    "bzimage/dec_gzip.c": ["fuzz_bzimage"],
    "bzimage/dec_xz.c": ["fuzz_bzimage"],
}


# Not in the tests stage: the real-kernel and foreign-file suites (minutes, and
# they need files this scratch tree may not have) and the CLI tests (they need
# the KVM-enabled pvhcheck; this build has PVH_BUILD_KVM=OFF).
UNIT_EXCLUDE = "real_kernel|foreign|test_cli|exports"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, cwd=None, timeout=None, env=None):
    """Runs cmd; returns (exit code, combined output). A timeout counts as 124."""
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout,
                           env=env, text=True, errors="replace")
        return p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return 124, out + "\n(timed out)"


def targets():
    with open(os.path.join(ROOT, "fuzz", "targets.txt")) as f:
        return [l.strip() for l in f if re.match(r"^[a-z_0-9]+$", l.strip())]


def what_fired(out):
    """The oracle or sanitizer report that killed the mutant, in a few words."""
    m = re.search(r"ORACLE FAILED \[([^\]]+)\]", out)
    if m:
        return "oracle " + m.group(1)
    m = re.search(r"seed-verdicts: FAIL (\S+): want (\w+)", out)
    if m:
        return "seed %s not %s" % (m.group(1), "accepted" if m.group(2) == "ok" else "refused")
    m = re.search(r"ERROR: (AddressSanitizer|LeakSanitizer|MemorySanitizer): ([\w-]+)", out)
    if m:
        return m.group(1) + " " + m.group(2)
    m = re.search(r"runtime error: ([^\n:]{0,60})", out)
    if m:
        return "UBSan " + m.group(1).strip()
    if "libFuzzer: timeout" in out or "(timed out)" in out:
        return "timeout"
    if "out-of-memory" in out:
        return "out-of-memory"
    if "deadly signal" in out:
        return "crash"
    return "failure"


def failed_tests(out):
    names = re.findall(r"^\s*\d+ - (\S+) \(", out, re.M)
    return names


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = os.path.abspath(args.work)
        self.src = os.path.join(self.work, "src")
        self.unit = os.path.join(self.work, "build-unit")
        self.fuzz = os.path.join(self.work, "build-fuzz")
        self.fuzz_built = False
        self.targets = targets()

    def sync_tree(self):
        """A fresh copy of the tree to mutate. Fresh mtimes: objects a previous
        run left built from a mutant are older than every copied source, so
        the baseline build recompiles them."""
        def ignore(d, names):
            top = os.path.abspath(d) == ROOT
            return [n for n in names if n == ".git" or (top and n.startswith("build"))]
        shutil.rmtree(self.src, ignore_errors=True)
        shutil.copytree(ROOT, self.src, ignore=ignore, symlinks=True, copy_function=shutil.copy)

    def configure(self):
        env = dict(os.environ, CC="clang")
        common = ["-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DPVH_SANITIZE=ON", "-DPVH_BUILD_KVM=OFF",
                  "-DPVH_BUILD_BENCH=OFF", "-DPVH_WERROR=OFF",
                  "-DPVH_BUILD_SHARED=OFF"]  # the tests and targets link libpvh.a
        for d, extra in ((self.unit, ["-DPVH_BUILD_TESTS=ON"]),
                         (self.fuzz, ["-DPVH_BUILD_TESTS=OFF", "-DPVH_FUZZ_ENGINE=libfuzzer"])):
            # Every time: an existing cache must get the current options too.
            rc, out = run(["cmake", "-S", self.src, "-B", d] + common + extra, env=env)
            if rc:
                sys.exit("run.py: configure failed:\n" + out[-3000:])

    def build(self, d, what=None):
        cmd = ["cmake", "--build", d, "-j", str(self.args.jobs)]
        if what:
            cmd += ["--target"] + what
        return run(cmd, timeout=1200)

    # ---- stages: each returns (killed?, detail) ----
    def stage_tests(self):
        rc, out = run(["ctest", "--test-dir", self.unit, "-L", "unit", "-E", UNIT_EXCLUDE,
                       "-j", str(self.args.jobs), "--timeout", "120", "--output-on-failure"], timeout=900)
        if rc == 0:
            return False, ""
        names = failed_tests(out)
        return True, ", ".join(n.replace("unit.", "") for n in names[:3]) or what_fired(out)

    def stage_replay(self):
        rc, out = run(["ctest", "--test-dir", self.unit, "-L", "corpus", "-j", str(self.args.jobs),
                       "--timeout", "120", "--output-on-failure"], timeout=900)
        if rc == 0:
            return False, ""
        names = [n.replace("fuzz_replay_", "") for n in failed_tests(out)]
        return True, "%s: %s" % (names[0] if names else "replay", what_fired(out))

    def stage_fuzz(self, mutant_file):
        if not self.fuzz_built:
            rc, out = self.build(self.fuzz, self.targets)
            if rc:
                return True, "build failed"
            self.fuzz_built = True
        order = TARGET_ORDER.get(mutant_file, ["fuzz_load"])
        order = order + [t for t in self.targets if t not in order]
        for t in order:
            corpus = os.path.join(self.work, "corpus-" + t)
            shutil.rmtree(corpus, ignore_errors=True)
            shutil.copytree(os.path.join(self.src, "corpus", t), corpus)
            opts = ["-max_total_time=%d" % self.args.time, "-seed=1", "-timeout=10", "-rss_limit_mb=2048",
                    "-close_fd_mask=1", "-artifact_prefix=%s/" % self.work, "-print_final_stats=0"]
            dict_file = os.path.join(self.src, "fuzz", t + ".dict")
            if os.path.exists(dict_file):
                opts.append("-dict=" + dict_file)
            with open(os.path.join(self.src, "fuzz", t + ".options")) as f:
                m = re.search(r"max_len\s*=\s*(\d+)", f.read())
            if m:
                opts.append("-max_len=" + m.group(1))
            start = time.time()
            env = dict(os.environ, UBSAN_OPTIONS="halt_on_error=1:silence_unsigned_overflow=1",
                       ASAN_OPTIONS="detect_leaks=1")
            rc, out = run([os.path.join(self.fuzz, "fuzz", t)] + opts + [corpus], cwd=self.work,
                          timeout=self.args.time + 120, env=env)
            if rc != 0:
                return True, "%s: %s" % (t, what_fired(out)), time.time() - start
        return False, "", 0.0

    def run_mutant(self, m):
        name, cls, path, old, new = m
        full = os.path.join(self.src, path)
        with open(full) as f:
            text = f.read()
        if text.count(old) != 1:
            return {"name": name, "class": cls, "by": "NOT APPLIED", "what": "line not found once", "secs": 0}
        with open(full, "w") as f:
            f.write(text.replace(old, new))
        self.fuzz_built = False
        try:
            rc, out = self.build(self.unit)
            if rc:
                return {"name": name, "class": cls, "by": "compiler", "what": "does not build", "secs": 0}
            for stage in self.args.stages:
                start = time.time()
                if stage == "tests":
                    killed, what = self.stage_tests()
                    secs = time.time() - start
                elif stage == "replay":
                    killed, what = self.stage_replay()
                    secs = time.time() - start
                else:
                    killed, what, secs = self.stage_fuzz(path)
                if killed:
                    return {"name": name, "class": cls, "by": stage, "what": what, "secs": secs}
            return {"name": name, "class": cls, "by": "SURVIVED", "what": "", "secs": 0}
        finally:
            with open(full, "w") as f:
                f.write(text)

    def baseline(self):
        """The unmutated tree must pass every stage, or kills mean nothing."""
        rc, out = self.build(self.unit)
        if rc:
            sys.exit("run.py: the unmutated tree does not build:\n" + out[-3000:])
        if "tests" in self.args.stages and self.stage_tests()[0]:
            sys.exit("run.py: the unit tests fail on the unmutated tree")
        if "replay" in self.args.stages and self.stage_replay()[0]:
            sys.exit("run.py: the corpus replay fails on the unmutated tree")
        if "fuzz" in self.args.stages:
            rc, out = self.build(self.fuzz, self.targets)
            if rc:
                sys.exit("run.py: the libFuzzer build fails:\n" + out[-3000:])
            self.fuzz_built = True


def pick(mutants, n):
    """n mutants spread evenly over the list (every file gets its share)."""
    if n >= len(mutants):
        return mutants
    return [mutants[round(i * (len(mutants) - 1) / (n - 1))] for i in range(n)] if n > 1 else mutants[:1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--time", type=int, default=60, help="seconds of fuzzing per target and mutant (60)")
    ap.add_argument("--max", type=int, default=0, help="run only this many mutants, spread over the list")
    ap.add_argument("--only", default="", help="comma-separated mutant names")
    ap.add_argument("--stages", default="tests,replay,fuzz", help="stages to try, in order")
    ap.add_argument("--work", default=os.path.join(ROOT, "build-oracles"), help="scratch tree and builds")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--markdown", default="", help="also write the table to this file")
    ap.add_argument("--kvm", action="store_true",
                    help="the mutants only KVM can see (mutants.KVM_MUTANTS), killed in the KVM lab (kvm_mode.py)")
    ap.add_argument("--lab-timeout", type=int, default=1500, help="--kvm: wall seconds for the lab session")
    ap.add_argument("--kvm-reuse", action="store_true",
                    help="--kvm: reuse the mutant binaries a previous --kvm run built (lab session only)")
    args = ap.parse_args()
    if args.kvm:
        import kvm_mode
        return kvm_mode.main(args, ROOT)
    args.stages = [s for s in args.stages.split(",") if s]
    for s in args.stages:
        if s not in ("tests", "replay", "fuzz"):
            ap.error("unknown stage " + s)

    mutants = MUTANTS
    if args.only:
        want = set(args.only.split(","))
        # KVM mutants in loader/ can be measured in-process too (what the
        # in-process oracles alone do with them); kvm/ is not built here.
        known = MUTANTS + [m[:5] for m in KVM_MUTANTS if m[2].startswith("loader/")]
        unknown = want - {m[0] for m in known}
        if unknown:
            ap.error("unknown mutants: " + ", ".join(sorted(unknown)))
        mutants = [m for m in known if m[0] in want]
    if args.max:
        mutants = pick(mutants, args.max)

    b = Bench(args)
    b.sync_tree()
    b.configure()
    t0 = time.time()
    b.baseline()
    rows = []
    for i, m in enumerate(mutants, 1):
        r = b.run_mutant(m)
        rows.append(r)
        log("[%d/%d] %-34s %-9s %s (%.1f s)" % (i, len(mutants), r["name"], r["by"], r["what"], r["secs"]))

    lines = ["| # | mutant | class | killed by | what fired | seconds |", "|---|---|---|---|---|---|"]
    for i, r in enumerate(rows, 1):
        lines.append("| %d | `%s` | %s | %s | %s | %.1f |" % (i, r["name"], r["class"], r["by"], r["what"], r["secs"]))
    killed = [r for r in rows if r["by"] in ("tests", "replay", "fuzz")]
    by = {s: sum(1 for r in rows if r["by"] == s) for s in ("tests", "replay", "fuzz")}
    summary = ("killed %d/%d (%s; stages %s, %d s of fuzzing per target, %.0f s in all)" %
               (len(killed), len(rows), ", ".join("%d by %s" % (by[s], s) for s in args.stages),
                ",".join(args.stages), args.time, time.time() - t0))
    table = "\n".join(lines) + "\n\n" + summary + "\n"
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table)
    return 0 if len(killed) == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
