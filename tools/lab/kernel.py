"""The lab kernel and its KVM modules: the Debian vmlinux that
tools/fetch-debian-kernel.sh caches, and kvm.ko, irqbypass.ko and
kvm-amd.ko from the same package (so their vermagic matches)."""

import os
import re
import shutil
import subprocess
import tempfile

from common import SOURCE_DIR, LabError, say

MODULES = ("irqbypass", "kvm", "kvm-amd")  # load order (modinfo depends)
MODULE_DIRS = {"irqbypass": "kernel/virt/lib", "kvm": "kernel/arch/x86/kvm", "kvm-amd": "kernel/arch/x86/kvm"}


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
