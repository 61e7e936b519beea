"""The lab console turned into results: the '@@LAB' marker lines, ctest's
pass/skip/fail/timeout rules, the result line per test and the exit code."""

import sys
import time

from common import MARK


def parse_marker(line):
    """One console line -> (kind, fields) for '@@LAB ...' lines, else None.
    kinds: READY, SETUP-FAIL, BEGIN, OUT, END, EXIT, DONE."""
    line = line.rstrip("\r\n").replace("\r", "")
    i = line.find(MARK)
    if i < 0:
        return None
    rest = line[i + len(MARK):]
    kind, _, arg = rest.partition(" ")
    if kind == "OUT":
        return ("OUT", {"text": arg})
    if kind in ("READY", "SETUP-FAIL", "BEGIN"):
        return (kind, {"text": arg})
    if kind in ("END", "EXIT"):
        fields = {}
        parts = arg.split()
        if kind == "END" and parts:
            fields["name"] = parts.pop(0)
        for p in parts:
            k, sep, v = p.partition("=")
            if sep:
                fields[k] = v
        try:
            fields["rc"] = int(fields["rc"])
        except (KeyError, ValueError):
            return None
        for k in ("start", "end"):
            if k in fields:
                try:
                    fields[k] = float(fields[k])
                except ValueError:
                    del fields[k]
        return (kind, fields)
    if kind == "DONE":
        return ("DONE", {})
    return None


def classify(rc, skip_rc, seconds=None, timeout=None):
    """ctest's rules: 0 passes, the test's SKIP_RETURN_CODE skips, anything
    else fails; killed at its time limit is a timeout (a failure)."""
    if timeout is not None and seconds is not None and rc in (124, 137, 143) and seconds >= timeout - 1:
        return "TIMEOUT"
    if rc == 0:
        return "PASS"
    if skip_rc is not None and rc == skip_rc:
        return "SKIP"
    return "FAIL"


def exit_code(counts, expected):
    """0 only if every expected test ran and passed: no failure, no skip."""
    ran = counts["passed"] + counts["failed"] + counts["skipped"]
    if counts["failed"] or counts["skipped"] or ran != expected or expected == 0:
        return 1
    return 0


def closing_line(counts):
    return "kvm-lab: %d passed, %d failed, %d skipped" % (counts["passed"], counts["failed"], counts["skipped"])


class Reporter:
    """Turns the lab console into result lines and counts."""

    def __init__(self, tests, quiet=False, verbose=False, out=sys.stdout):
        self.by_name = {t.name: t for t in tests}
        self.quiet, self.verbose, self.out = quiet, verbose, out
        self.counts = {"passed": 0, "failed": 0, "skipped": 0}
        self.current, self.buf = None, []
        self.host_t0 = None  # host clock at BEGIN: a slow lab and a hung test look alike in guest time
        self.ready = self.done = False
        self.setup_fail = None
        self.exit_rc = None
        self.in_command = False
        self.tail = []  # last console lines, for a lab that dies

    def emit(self, s):
        print(s, file=self.out, flush=True)

    def feed(self, line):
        line = line.rstrip("\r\n").replace("\r", "")
        self.tail = (self.tail + [line])[-30:]
        m = parse_marker(line)
        if m is not None and self.in_command and line.find(MARK) > 0:
            self.emit(line[:line.find(MARK)])  # the command's last line had no newline
        if m is None:
            if self.in_command:
                self.emit(line)
            elif self.verbose:
                self.emit("  | " + line)
            return
        kind, f = m
        if kind == "READY":
            self.ready = True
            if not self.quiet:
                self.emit("kvm-lab: KVM is up inside the lab (%s, /dev/kvm present)" % f["text"])
        elif kind == "SETUP-FAIL":
            self.setup_fail = f["text"]
        elif kind == "BEGIN":
            self.current, self.buf = f["text"], []
            self.host_t0 = time.monotonic()
            self.in_command = f["text"] == "command" and not self.by_name
            if self.verbose and not self.in_command:
                self.emit("  ... %s" % f["text"])
        elif kind == "OUT":
            self.buf.append(f["text"])
        elif kind == "END":
            self.finish(f)
        elif kind == "EXIT":
            self.in_command = False
            self.exit_rc = f["rc"]
        elif kind == "DONE":
            self.done = True

    def finish(self, f):
        t = self.by_name.get(f["name"])
        secs = f.get("end", 0.0) - f.get("start", 0.0)
        verdict = classify(f["rc"], t.skip_rc if t else None, secs, t.timeout if t else None)
        key = {"PASS": "passed", "SKIP": "skipped"}.get(verdict, "failed")
        self.counts[key] += 1
        why = ""
        if verdict == "SKIP":
            reasons = [l for l in self.buf if "SKIP" in l] or self.buf[-1:]
            why = ": " + (reasons[-1].strip() if reasons else "no reason printed")
        elif verdict == "TIMEOUT":
            why = ": killed at its %d s limit" % t.timeout
        elif verdict == "FAIL":
            why = ": exit %d" % f["rc"]
        host = " (host %.0f s)" % (time.monotonic() - self.host_t0) if self.host_t0 is not None else ""
        self.emit("%-7s %-32s %6.1f s%s%s" % (verdict, f["name"], secs, host, why))
        if verdict in ("FAIL", "TIMEOUT") and not self.quiet or self.verbose:
            for l in self.buf[-40:] if not self.verbose else self.buf:
                self.emit("    " + l)
        self.current, self.buf = None, []
