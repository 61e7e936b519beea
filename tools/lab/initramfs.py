"""The lab's initramfs: a newc cpio holding busybox, the KVM modules, the
Debian kernels, the project's build outputs at their host paths (so ctest's
commands hold unchanged) and /lab/run.sh, the script that runs the tests or
the --file command and prints the '@@LAB' marker lines."""

import os
import re
import shlex
import shutil
import stat
import subprocess

from common import HERE, LAB_CACHE, MARK, LabError, cache_dir


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
