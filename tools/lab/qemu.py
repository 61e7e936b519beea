"""Running the lab: the QEMU command line (TCG, -cpu max: emulated AMD SVM)
and one QEMU run with its two wall-clock limits, its console fed to a
results.Reporter."""

import os
import signal
import subprocess
import sys
import time

BOOT_TIMEOUT = 150  # wall seconds for the lab kernel to bring KVM up (normally 5-30 s)


def qemu_command(vmlinux, initramfs, mem_mb=2048):
    return ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-M", "microvm",
            "-icount", "shift=0,sleep=off", "-m", str(mem_mb), "-nographic", "-no-reboot",
            "-kernel", vmlinux, "-initrd", initramfs,
            # not quiet: the boot log is in console-N.log (--keep) and in the tail of a stall
            "-append", "console=ttyS0 panic=-1 rdinit=/init"]


def die_with_parent():
    """QEMU gets SIGKILL when this script dies, even by SIGKILL (no orphaned labs)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run_lab(cmd, reporter, timeout, log_path, shown_timeout=None, boot_timeout=BOOT_TIMEOUT):
    """Runs QEMU, feeding its console to reporter; returns (ended, message).
    Two wall-clock limits: KVM must be up within boot_timeout (the lab kernel
    normally gets there in well under a minute), everything within timeout."""
    deadline = time.monotonic() + timeout
    with open(log_path, "w") as log:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True, preexec_fn=die_with_parent)
        signal.signal(signal.SIGTERM, lambda signum, frame: (os.killpg(p.pid, signal.SIGKILL), sys.exit(143)))
        killed = []

        def on_alarm(signum, frame):
            killed.append("boot" if not reporter.ready else "run")
            os.killpg(p.pid, signal.SIGKILL)

        signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(int(min(boot_timeout, timeout)))
        rearmed = False
        try:
            for raw in iter(p.stdout.readline, b""):
                line = raw.decode("utf-8", "replace")
                log.write(line)
                log.flush()  # --keep: the log is what tells where a hung lab stopped
                reporter.feed(line)
                if reporter.ready and not rearmed:
                    rearmed = True
                    signal.alarm(max(int(deadline - time.monotonic()), 1))
        except KeyboardInterrupt:
            os.killpg(p.pid, signal.SIGKILL)
            raise
        finally:
            signal.alarm(0)
            p.wait()
    tail = "".join("\n  | " + l for l in reporter.tail[-8:] if l.strip())
    tail = ("; console tail:" + tail) if tail else "; the lab printed nothing"
    if killed and killed[0] == "boot":
        return False, "the lab kernel stalled: KVM not up after %d s%s" % (min(boot_timeout, timeout), tail)
    if killed or time.monotonic() > deadline:
        where = "while running %s (for %d s of host time)" % (
            reporter.current, time.monotonic() - reporter.host_t0) if reporter.current else \
            ("before KVM came up" if not reporter.ready else "between tests")
        return False, "the lab hung: killed at --timeout %d s %s%s" % (shown_timeout or timeout, where, tail)
    return True, "QEMU exit %d" % p.returncode
