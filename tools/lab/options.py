"""The lab's command line: its options, and the `--file PATH ... -- COMMAND`
mode's own syntax."""

import argparse
import os

from common import SOURCE_DIR, LabError


def split_file_args(argv):
    """`--file PATH ... -- COMMAND [ARGS]`: (options, files, command).
    Everything after the first `--` is the command, untouched."""
    if "--" in argv:
        i = argv.index("--")
        head, command = argv[:i], argv[i + 1:]
    else:
        head, command = argv, []
    files, opts, j = [], [], 0
    while j < len(head):
        a = head[j]
        if a == "--file":
            if j + 1 >= len(head):
                raise LabError("--file needs a PATH")
            files.append(head[j + 1])
            j += 2
            continue
        if a.startswith("--file="):
            files.append(a[len("--file="):])
        else:
            opts.append(a)
        j += 1
    if files and not command:
        raise LabError("--file PATH needs a command: --file PATH -- COMMAND [ARGS]")
    if command and not files:
        raise LabError("a command after '--' needs at least one --file PATH")
    seen = {}
    for f in files:
        b = os.path.basename(f.rstrip("/"))
        if not b:
            raise LabError("--file %r has no file name" % f)
        if b in seen:
            raise LabError("--file %s and %s would both be /lab/files/%s" % (seen[b], f, b))
        seen[b] = f
    return opts, files, command


def parse_args(argv):
    opts, files, command = split_file_args(argv)
    p = argparse.ArgumentParser(
        prog="tools/kvm-lab.sh",
        description="Run pvhcheck's KVM tests inside a KVM lab: QEMU TCG (-cpu max, emulated AMD SVM) "
        "booting the Debian cloud kernel with its own kvm-amd.ko. No arguments: every ctest test "
        "labelled kvm (not unit) plus lab.linux_poweroff, one result line each, then "
        "'kvm-lab: N passed, M failed, K skipped'; exit 0 only if M and K are 0.",
        epilog="--file PATH ... -- COMMAND [ARGS]: copy each PATH to /lab/files/<basename>, run "
        "COMMAND in the lab (pvhcheck on PATH, cwd /lab/files), show its output and exit with its "
        "status. Example: tools/kvm-lab.sh --file ./vmlinux -- pvhcheck boot --linux "
        "/lab/files/vmlinux --until poweroff. Exit 3 when the lab itself cannot be built or run.")
    p.add_argument("--build", action="store_true", help="build the project (cmake --build -j2) first")
    p.add_argument("--build-dir", default=os.path.join(SOURCE_DIR, "build", "default"),
                   help="CMake build directory (default build/default)")
    p.add_argument("--quiet", action="store_true", help="result lines and the closing line only")
    p.add_argument("--verbose", action="store_true", help="show every test's output and the lab console")
    p.add_argument("--timeout", type=int, default=2400,
                   help="seconds for the whole lab run; a hang ends there with a message (default 2400)")
    p.add_argument("--npt", choices=("on", "off"), default="on",
                   help="--file mode: kvm_amd nested paging (default) or off (npt=0, shadow paging: 32-bit PAE guests)")
    p.add_argument("--mem", type=int, default=2048, help="lab RAM in MB (default 2048; more for big --file images)")
    p.add_argument("--keep", action="store_true", help="keep the work directory (initramfs, console log)")
    p.add_argument("-R", "--tests-regex", help="only tests whose name matches this regex")
    p.add_argument("--no-linux", action="store_true", help="leave out lab.linux_poweroff")
    p.add_argument("--shard", metavar="I/N",
                   help="run only shard I (0-based) of N of the selected tests, for CI runners in parallel")
    a = p.parse_args(opts)
    a.files, a.command = files, command
    if a.timeout <= 0:
        p.error("--timeout must be positive")
    return a
