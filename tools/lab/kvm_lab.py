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

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
MODULES = ("irqbypass", "kvm", "kvm-amd")  # load order (modinfo depends)
MODULE_DIRS = {"irqbypass": "kernel/virt/lib", "kvm": "kernel/arch/x86/kvm", "kvm-amd": "kernel/arch/x86/kvm"}
LAB_CACHE = "/lab/cache"  # PVH_CACHE_DIR inside the lab (the Debian vmlinux is there)
MARK = "@@LAB "
DEFAULT_TEST_TIMEOUT = 120
BOOT_TIMEOUT = 150  # wall seconds for the lab kernel to bring KVM up (normally 5-30 s)
# 32-bit PAE guests need kvm_amd npt=0 in the lab: with nested paging, QEMU
# TCG sets the Accessed bit (reserved there) in the guest's PAE PDPTEs while it
# walks them, and KVM then refuses the kernel's CR0.PG write (linux/README.md,
# "32-bit kernels"). Such tests run in a second lab boot with shadow paging:
# those labelled lab-npt0, and these.
SHADOW_PAGING_TESTS = {"linux.kvm_boot_i386"}
LINUX_POWEROFF_TIMEOUT = 300


class LabError(Exception):
    """A lab that cannot be built or run (not a test failure)."""


def say(msg):
    print("kvm-lab: " + msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- test list


class Test:
    def __init__(self, name, command, cwd=None, env=None, timeout=DEFAULT_TEST_TIMEOUT, skip_rc=None, labels=()):
        self.name, self.command, self.cwd = name, list(command), cwd
        self.labels = list(labels)
        self.env = dict(env or {})
        self.timeout, self.skip_rc = timeout, skip_rc

    def __repr__(self):
        return "Test(%r)" % self.name


def parse_ctest_json(text):
    """Tests from `ctest --show-only=json-v1`. A test without a command (its
    target was not built) is an error: the lab must not drop it silently."""
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise LabError("ctest --show-only=json-v1 output is not JSON: %s" % e)
    tests = []
    for t in doc.get("tests", []):
        name = t.get("name", "?")
        cmd = t.get("command")
        if not cmd:
            raise LabError("ctest test %s has no command (target not built? run with --build)" % name)
        props = {p["name"]: p.get("value") for p in t.get("properties", [])}
        if props.get("DISABLED"):
            continue
        env = {}
        for kv in props.get("ENVIRONMENT", []) or []:
            k, sep, v = kv.partition("=")
            if not sep:
                raise LabError("test %s: ENVIRONMENT entry %r has no '='" % (name, kv))
            env[k] = v
        timeout = props.get("TIMEOUT") or DEFAULT_TEST_TIMEOUT
        tests.append(Test(name, cmd, props.get("WORKING_DIRECTORY"), env, int(float(timeout)),
                          props.get("SKIP_RETURN_CODE"), props.get("LABELS") or []))
    return tests


def ctest_tests(build_dir):
    r = subprocess.run(["ctest", "--test-dir", build_dir, "--show-only=json-v1", "-L", "kvm", "-LE", "unit"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if r.returncode != 0:
        raise LabError("ctest --show-only failed in %s: %s" % (build_dir, r.stderr.strip()))
    return parse_ctest_json(r.stdout)


def linux_poweroff_test(pvhcheck):
    """The Debian kernel under pvhkvm in the lab to ACPI S5 power-off."""
    return Test("lab.linux_poweroff",
                [pvhcheck, "boot", "--linux", LAB_CACHE + "/vmlinux", "--until", "poweroff",
                 "--timeout", str(LINUX_POWEROFF_TIMEOUT - 20), "--quiet"],
                timeout=LINUX_POWEROFF_TIMEOUT)


# ---------------------------------------------------------------- results


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


# ---------------------------------------------------------------- arguments


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
    p.add_argument("--timeout", type=int, default=1200,
                   help="seconds for the whole lab run; a hang ends there with a message (default 1200)")
    p.add_argument("--npt", choices=("on", "off"), default="on",
                   help="--file mode: kvm_amd nested paging (default) or off (npt=0, shadow paging: 32-bit PAE guests)")
    p.add_argument("--mem", type=int, default=2048, help="lab RAM in MB (default 2048; more for big --file images)")
    p.add_argument("--keep", action="store_true", help="keep the work directory (initramfs, console log)")
    p.add_argument("-R", "--tests-regex", help="only tests whose name matches this regex")
    p.add_argument("--no-linux", action="store_true", help="leave out lab.linux_poweroff")
    a = p.parse_args(opts)
    a.files, a.command = files, command
    if a.timeout <= 0:
        p.error("--timeout must be positive")
    return a


# ---------------------------------------------------------------- initramfs


class Staging:
    """Files for the initramfs: lab path -> host source (or bytes)."""

    def __init__(self):
        self.files = {}  # dst -> (src path | bytes, mode)
        self.dirs = set()
        self.nodes = {}  # dst -> (mode, major, minor)

    def _dirs_of(self, dst):
        d = os.path.dirname(dst)
        while d not in ("/", ""):
            self.dirs.add(d)
            d = os.path.dirname(d)

    def add(self, src, dst=None, mode=None):
        dst = dst or os.path.abspath(src)
        real = os.path.realpath(src)
        if not os.path.isfile(real):
            raise LabError("%s is not a file" % src)
        self.files[dst] = (real, mode or (stat.S_IMODE(os.stat(real).st_mode) | 0o400))
        self._dirs_of(dst)

    def add_bytes(self, dst, data, mode=0o644):
        self.files[dst] = (data, mode)
        self._dirs_of(dst)

    def add_dir(self, dst):
        self.dirs.add(dst)
        self._dirs_of(dst)

    def add_node(self, dst, major, minor):
        self.nodes[dst] = (stat.S_IFCHR | 0o600, major, minor)
        self._dirs_of(dst)

    def add_elf(self, src, dst=None):
        """An executable and, if dynamic, the libraries ldd names, at their host paths."""
        self.add(src, dst)
        with open(src, "rb") as f:
            if f.read(4) != b"\x7fELF":
                return
        r = subprocess.run(["ldd", src], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           universal_newlines=True)
        for line in r.stdout.splitlines():
            m = re.search(r"(/\S+) \(0x", line)
            if m and os.path.exists(m.group(1)):
                self.add(m.group(1))

    def write_cpio(self, path):
        """A newc cpio (what the kernel unpacks as initramfs)."""
        ino = [1]

        def entry(out, name, mode, data=b"", size=None, rdev=(0, 0), src=None):
            nm = name.lstrip("/").encode() + b"\0"
            size = len(data) if size is None else size
            hdr = "070701" + "".join("%08x" % v for v in (
                ino[0], mode, 0, 0, 1, 0, size, 0, 0, rdev[0], rdev[1], len(nm), 0))
            ino[0] += 1
            out.write(hdr.encode() + nm)
            out.write(b"\0" * ((4 - (110 + len(nm)) % 4) % 4))
            if src:
                with open(src, "rb") as f:
                    shutil.copyfileobj(f, out, 1 << 20)
            else:
                out.write(data)
            out.write(b"\0" * ((4 - size % 4) % 4))

        with open(path, "wb") as out:
            for d in sorted(self.dirs):
                entry(out, d, stat.S_IFDIR | 0o755)
            for n, (mode, ma, mi) in sorted(self.nodes.items()):
                entry(out, n, mode, rdev=(ma, mi))
            for dst, (src, mode) in sorted(self.files.items()):
                if isinstance(src, bytes):
                    entry(out, dst, stat.S_IFREG | mode, data=src)
                else:
                    entry(out, dst, stat.S_IFREG | mode, size=os.path.getsize(src), src=src)
            entry(out, "TRAILER!!!", 0)


def cache_dir():
    return os.environ.get("PVH_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "pvhcheck")


def lab_kernel(cache):
    """(vmlinux, kernel release) from tools/fetch-debian-kernel.sh's cache."""
    vmlinux = os.path.join(cache, "vmlinux")
    if not (os.path.isfile(vmlinux) and os.path.isfile(vmlinux + ".version")):
        say("no Debian kernel in %s yet: running tools/fetch-debian-kernel.sh" % cache)
        if subprocess.run([os.path.join(SOURCE_DIR, "tools", "fetch-debian-kernel.sh")]).returncode != 0:
            raise LabError("tools/fetch-debian-kernel.sh failed (see above)")
    with open(vmlinux + ".version") as f:
        krel = f.read().strip()
    if not re.fullmatch(r"[0-9][A-Za-z0-9.+~-]*", krel):
        raise LabError("%s.version holds %r, not a kernel release" % (vmlinux, krel))
    return os.path.realpath(vmlinux), krel


def lab_modules(cache, krel):
    """kvm.ko, irqbypass.ko, kvm-amd.ko from linux-image-<krel> (the package the
    lab kernel came from, so vermagic matches), cached next to the kernel."""
    mdir = os.path.join(cache, "lab", krel)
    want = {m: os.path.join(mdir, m + ".ko") for m in MODULES}
    if all(os.path.isfile(p) for p in want.values()):
        return want
    pkg = "linux-image-" + krel
    os.makedirs(mdir, exist_ok=True)
    work = tempfile.mkdtemp(prefix=".fetch.", dir=mdir)
    try:
        # tools/fetch-debian-kernel.sh keeps the package it took the vmlinux
        # from; older caches do not have it, and then apt fetches it once.
        deb = os.path.join(os.path.dirname(os.path.realpath(os.path.join(cache, "vmlinux"))), "package.deb")
        if os.path.isfile(deb):
            say("taking kvm.ko, irqbypass.ko and kvm-amd.ko from %s (once; cached in %s)" % (deb, mdir))
        else:
            say("fetching %s for kvm.ko, irqbypass.ko and kvm-amd.ko (once; cached in %s)" % (pkg, mdir))
            r = subprocess.run(["apt-get", "download", "-q", pkg], cwd=work, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, universal_newlines=True)
            debs = [f for f in os.listdir(work) if f.endswith(".deb")]
            if r.returncode != 0 or not debs:
                raise LabError("apt-get download %s failed (has it left the archive? then run "
                               "tools/fetch-debian-kernel.sh --refresh): %s" % (pkg, r.stderr.strip()[-400:]))
            deb = os.path.join(work, debs[0])
        root = os.path.join(work, "root")
        os.makedirs(root)
        dpkg = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
        tar = subprocess.run(["tar", "-x", "-C", root, "--wildcards", "*/kvm/kvm.ko*", "*/kvm/kvm-amd.ko*",
                              "*/irqbypass.ko*"], stdin=dpkg.stdout, stderr=subprocess.PIPE,
                             universal_newlines=True)
        dpkg.stdout.close()
        if dpkg.wait() != 0 or tar.returncode != 0:
            raise LabError("unpacking %s failed: %s" % (deb, tar.stderr.strip()))
        for m in MODULES:
            base = os.path.join(root, "lib", "modules", krel, MODULE_DIRS[m], m + ".ko")
            if os.path.isfile(base):
                shutil.move(base, want[m])
            elif os.path.isfile(base + ".xz"):
                with open(want[m], "wb") as out:
                    subprocess.run(["xz", "-dc", base + ".xz"], stdout=out, check=True)
            elif os.path.isfile(base + ".zst"):
                subprocess.run(["zstd", "-dqf", base + ".zst", "-o", want[m]], check=True)
            else:
                raise LabError("%s has no %s.ko under /lib/modules/%s/%s" % (pkg, m, krel, MODULE_DIRS[m]))
    except subprocess.CalledProcessError as e:
        raise LabError("decompressing a module failed: %s (xz-utils/zstd installed? tools/setup.sh)" % e)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return want


def test_inputs(staging, tests):
    """Every file a test names (its command and any argument that is a file),
    the regular files of an argument that is a directory (a corpus replayed
    by a fuzz target), plus the sibling shell scripts of a script (what it
    sources)."""
    for t in tests:
        for i, a in enumerate(t.command):
            if i > 0 and os.path.isabs(a) and os.path.isdir(a):
                staging.add_dir(a)
                for f in sorted(os.listdir(a)):
                    if os.path.isfile(os.path.join(a, f)):
                        staging.add(os.path.join(a, f))
                continue
            if not os.path.isabs(a) or not os.path.isfile(a):
                if i == 0 and not os.path.isabs(a):
                    found = shutil.which(a)
                    if found:
                        staging.add_elf(found)
                continue
            staging.add_elf(a)
            if a.endswith(".sh"):
                d = os.path.dirname(a)
                for f in os.listdir(d):
                    if f.endswith(".sh"):
                        staging.add(os.path.join(d, f))
        if t.cwd:
            staging.add_dir(t.cwd)


def sh_env_cd(t):
    parts = []
    if t.cwd:
        parts.append("cd %s" % shlex.quote(t.cwd))
    for k, v in sorted(t.env.items()):
        parts.append("export %s=%s" % (k, shlex.quote(v)))
    return parts


def run_script_tests(tests):
    """/lab/run.sh for the test mode: each test in a subshell with its working
    directory, environment and time limit; its output follows as OUT lines,
    then END with the exit status and /proc/uptime times."""
    lines = ["lab_now() { cut -d' ' -f1 /proc/uptime; }"]
    for t in tests:
        inner = sh_env_cd(t) + ["exec timeout %d %s" % (t.timeout, " ".join(shlex.quote(a) for a in t.command))]
        lines += [
            "echo %s" % shlex.quote(MARK + "BEGIN " + t.name),
            "t0=$(lab_now)",
            "( %s ) >/tmp/lab.out 2>&1 </dev/null" % " && ".join(inner),
            "rc=$?",
            "t1=$(lab_now)",
            "sed 's/^/%sOUT /' /tmp/lab.out" % MARK,
            "echo \"%sEND %s rc=$rc start=$t0 end=$t1\"" % (MARK, t.name),
        ]
    return "\n".join(lines) + "\n"


def run_script_command(command):
    """/lab/run.sh for --file: the user's command in /lab/files, output raw. Its
    time limit is the host's wall clock (--timeout): with -icount sleep=off the
    guest's clock jumps ahead whenever the guest idles, so a guest-side limit
    would not mean seconds."""
    return "\n".join([
        "cd /lab/files",
        "echo %s" % shlex.quote(MARK + "BEGIN command"),
        "%s </dev/null 2>&1" % " ".join(shlex.quote(a) for a in command),
        "rc=$?",
        "echo \"%sEXIT rc=$rc\"" % MARK,
    ]) + "\n"


def build_initramfs(work, args, tests, modules, vmlinux, npt=True):
    st = Staging()
    st.add_bytes("/lab/kvm-amd.params", b"" if npt else b"npt=0\n")
    st.add_node("/dev/console", 5, 1)
    st.add_node("/dev/null", 1, 3)
    for d in ("/proc", "/sys", "/tmp", "/root", "/lab/files", "/usr/bin", "/usr/sbin", "/sbin"):
        st.add_dir(d)
    st.add(os.path.join(HERE, "init.sh"), "/init", 0o755)
    # kvm_cli_boot feeds /etc/hostname as its non-ELF kernel.
    st.add_bytes("/etc/hostname", b"kvm-lab\n")
    busybox = "/bin/busybox"
    if not os.path.isfile(busybox):
        raise LabError("/bin/busybox missing (apt-get install busybox-static; tools/setup.sh)")
    st.add_elf(busybox)
    for tool in ("jq",):  # what the test scripts use beyond busybox
        path = shutil.which(tool)
        if path:
            st.add_elf(path, "/usr/bin/" + tool)
    for m, p in modules.items():
        st.add(p, "/lab/modules/%s.ko" % m)
    if not args.command:  # the tests boot the Debian kernel as $PVH_CACHE_DIR/vmlinux
        st.add(vmlinux, LAB_CACHE + "/vmlinux")
        st.add_bytes(LAB_CACHE + "/vmlinux.version", b"lab\n")
        # linux/fetch-i386.sh's 686-pae kernel and i386 busybox (PVH_LINUX_ARCH=i386 tests)
        i386 = os.path.join(cache_dir(), "i386")
        for f in ("vmlinux", "vmlinux.version", "busybox"):
            if os.path.isfile(os.path.join(i386, f)):
                st.add(os.path.join(i386, f), LAB_CACHE + "/i386/" + f)
    pvhcheck = os.path.join(args.build_dir, "cli", "pvhcheck")
    for tool in ("cli/pvhcheck", "linux/pvh-mkinitramfs"):
        p = os.path.join(args.build_dir, tool)
        if os.path.isfile(p):
            st.add_elf(p)
            st.add(p, "/lab/bin/" + os.path.basename(p), 0o755)
    if not os.path.isfile(pvhcheck):
        raise LabError("%s not built (run with --build)" % pvhcheck)
    header = "export PATH=/lab/bin:/bin:/sbin:/usr/bin:/usr/sbin HOME=/root PVH_CACHE_DIR=%s\n" % LAB_CACHE
    if args.command:
        for f in args.files:
            if not os.path.isfile(f):
                raise LabError("--file %s: no such file" % f)
            st.add(f, "/lab/files/" + os.path.basename(f.rstrip("/")))
        if args.command[0] not in ("pvhcheck", "pvh-mkinitramfs") and shutil.which(args.command[0]) \
                and not os.path.exists(os.path.join("/bin", args.command[0])):
            st.add_elf(shutil.which(args.command[0]))
        body = run_script_command(args.command)
    else:
        test_inputs(st, tests)
        body = run_script_tests(tests)
    st.add_bytes("/lab/run.sh", (header + body).encode(), 0o755)
    path = os.path.join(work, "lab.cpio")
    st.write_cpio(path)
    return path


# ---------------------------------------------------------------- running


def qemu_command(vmlinux, initramfs, mem_mb=2048):
    return ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-M", "microvm",
            "-icount", "shift=0,sleep=off", "-m", str(mem_mb), "-nographic", "-no-reboot",
            "-kernel", vmlinux, "-initrd", initramfs,
            # not quiet: the boot log is in console-N.log (--keep) and in the tail of a stall
            "-append", "console=ttyS0 panic=-1 rdinit=/init"]


class Reporter:
    """Turns the lab console into result lines and counts."""

    def __init__(self, tests, quiet=False, verbose=False, out=sys.stdout):
        self.by_name = {t.name: t for t in tests}
        self.quiet, self.verbose, self.out = quiet, verbose, out
        self.counts = {"passed": 0, "failed": 0, "skipped": 0}
        self.current, self.buf = None, []
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
        self.emit("%-7s %-32s %6.1f s%s" % (verdict, f["name"], secs, why))
        if verdict in ("FAIL", "TIMEOUT") and not self.quiet or self.verbose:
            for l in self.buf[-40:] if not self.verbose else self.buf:
                self.emit("    " + l)
        self.current, self.buf = None, []


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
        where = "while running %s" % reporter.current if reporter.current else \
            ("before KVM came up" if not reporter.ready else "between tests")
        return False, "the lab hung: killed at --timeout %d s %s%s" % (shown_timeout or timeout, where, tail)
    return True, "QEMU exit %d" % p.returncode


def split_by_paging(tests):
    """(tests for the nested-paging lab, tests for the shadow-paging lab)."""
    npt = [t for t in tests if not needs_shadow(t)]
    return npt, [t for t in tests if needs_shadow(t)]


def needs_shadow(t):
    return "lab-npt0" in t.labels or t.name in SHADOW_PAGING_TESTS


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
        if args.build:
            say("building %s" % args.build_dir)
            if not os.path.isdir(args.build_dir):
                subprocess.run(["cmake", "--preset", "default"], cwd=SOURCE_DIR, check=True)
            subprocess.run(["cmake", "--build", args.build_dir, "-j2"], check=True)
        if not os.path.isdir(args.build_dir):
            raise LabError("no build directory %s (run with --build)" % args.build_dir)
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
