#!/usr/bin/env python3
"""Every PVH image Debian ships, fetched by package name, inspected and
boot-checked: the compatibility matrix (docs/kernel-matrix.md).

For each image: `pvhcheck inspect --json` against readelf's PHYS32_ENTRY note,
then a boot check in the KVM lab (tools/kvm-lab.sh) and on the host's KVM
when it is usable, each with the expectation that fits the image:
  linux     the init marker and ACPI power-off (`boot --linux --until poweroff`;
            on kvm-pvm hosts through `console`, which is as far as any VMM gets there)
  grub      entry proved, then its first line on port 0xe9
  xen-shim  entry proved, then whatever it does first (reported, not judged)

A Linux image also gets the distribution's vmlinuz as shipped (the bzImage
its package installs; the vmlinux is unpacked from it by `pvhcheck extract`,
the same reader): inspected, and boot-checked in the lab, with the entry it
must share with the extracted vmlinux.

Exit status: 0 every image present was accepted with readelf's entry and met
its expectation on every backend (a package gone from the archive is reported
as missing, not failed); 1 otherwise; 2 usage error; 3 no build, or apt failed.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))  # tools/private_apt.py
import private_apt as papt  # noqa: E402
import images as imgs  # noqa: E402
from report import markdown, update_docs  # noqa: E402

GRUB_LINE = "System halted!"
LINUX_STAGES = ["entry", "banner", "cmdline", "e820", "ramdisk", "acpi", "console", "init", "marker", "poweroff", "end"]


def say(msg):
    print("kernel-matrix: " + msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- resolve + fetch


def resolve(apt, im):
    """-> dict(package, version, size, debs=[stanza...]) or dict(missing=reason)."""
    st = apt.resolve(im.package, im.version_re, im.arch)
    if not st:
        return {"missing": "%s:%s (version /%s/) is not in the archive" % (im.package, im.arch, im.version_re)}
    if im.follow:
        dep, ver = papt.image_dependency(st.get("Depends", ""))
        if not dep:
            return {"missing": "%s %s depends on no linux-image-* package" % (im.package, st["Version"])}
        target = dep + ("-dbg" if im.dbg else "")
        st2 = apt.resolve(target, "^%s$" % re.escape(ver) if ver else ".*", im.arch)
        if not st2:
            return {"missing": "%s:%s (from %s %s) is not in the archive" % (target, im.arch, im.package, st["Version"])}
        st = st2
    debs = [st]
    if im.helper:
        h = apt.resolve(im.helper, "^%s$" % re.escape(st["Version"]), im.arch)
        if not h:
            return {"missing": "%s %s (grub-mkimage for %s) is not in the archive" % (im.helper, st["Version"], im.id)}
        debs.append(h)
    return {"package": st["Package"], "version": st["Version"], "debs": debs,
            "size": sum(int(d.get("Size", 0)) for d in debs)}


def image_dir(cache, im, res):
    return os.path.join(cache, "images", im.id, res["version"].replace(":", "%3a"))


def tar_extract(deb, dest, patterns):
    os.makedirs(dest, exist_ok=True)
    dpkg = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    r = subprocess.run(["tar", "-x", "-C", dest, "--wildcards"] + patterns, stdin=dpkg.stdout,
                       stderr=subprocess.PIPE, universal_newlines=True)
    dpkg.stdout.close()
    if dpkg.wait() != 0 or r.returncode != 0:
        raise RuntimeError("unpacking %s (%s) failed: %s" % (os.path.basename(deb), " ".join(patterns), r.stderr.strip()))


def find_one(root, rx):
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            if re.search(rx, p):
                return p
    return None


def vmlinuz_path(image_path):
    """Where a Linux image's bzImage is kept, beside its extracted vmlinux."""
    return os.path.join(os.path.dirname(image_path), "vmlinuz")


def extract(im, debs, work, out, pvhcheck):
    """The bootable ELF image from the downloaded packages, to out (and a
    Linux package's bzImage beside it, as shipped)."""
    root = os.path.join(work, "root")
    if im.kind == "linux" and im.dbg:
        tar_extract(debs[0], root, ["./usr/lib/debug/boot/vmlinux-*"])
        src = find_one(root, r"/vmlinux-[^/]+$")
        if not src:
            raise RuntimeError("%s has no /usr/lib/debug/boot/vmlinux-*" % os.path.basename(debs[0]))
        shutil.move(src, out)
    elif im.kind == "linux":
        tar_extract(debs[0], root, ["./boot/vmlinuz-*"])
        bz = find_one(root, r"/boot/vmlinuz-[^/]+$")
        if not bz:
            raise RuntimeError("%s has no /boot/vmlinuz-*" % os.path.basename(debs[0]))
        r = subprocess.run([pvhcheck, "extract", "--output", out, bz],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
        if r.returncode != 0:
            raise RuntimeError("unpacking the bzImage: %s" % r.stdout.strip()[-300:])
        shutil.move(bz, vmlinuz_path(out))
    elif im.kind == "xen-shim":
        tar_extract(debs[0], root, ["./" + im.path])
        shutil.move(os.path.join(root, im.path), out)
    elif im.kind == "grub":
        tar_extract(debs[0], root, ["./usr/lib/grub/i386-xen_pvh/*"])
        tar_extract(debs[1], root, ["./usr/bin/grub-mkimage"])
        r = subprocess.run([os.path.join(root, "usr/bin/grub-mkimage"), "-O", "i386-xen_pvh", "-d",
                            os.path.join(root, "usr/lib/grub/i386-xen_pvh"), "-p", "/boot/grub", "-o", out],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
        if r.returncode != 0:
            raise RuntimeError("grub-mkimage -O i386-xen_pvh failed: %s" % r.stdout.strip()[-300:])


def wants_vmlinuz(im):
    return im.kind == "linux" and not im.dbg


def fetch_all(apt, cache, rows, pvhcheck):
    # An image cached before bzImages were kept is fetched again for its vmlinuz.
    todo = [r for r in rows if "missing" not in r["res"] and (
        not os.path.isfile(r["path"]) or (wants_vmlinuz(r["image"]) and not os.path.isfile(vmlinuz_path(r["path"]))))]
    mb = sum(r["res"]["size"] for r in todo) / 1048576.0
    cached = len([r for r in rows if "missing" not in r["res"]]) - len(todo)
    say("about to fetch %.0f MB (%d images; %d already cached in %s)" % (mb, len(todo), cached, cache))
    for r in todo:
        im, res = r["image"], r["res"]
        work = tempfile.mkdtemp(prefix=".work.", dir=os.path.join(cache, "images"))
        try:
            t0 = time.monotonic()
            debs = [apt.download(st, im.arch, work) for st in res["debs"]]
            os.makedirs(os.path.dirname(r["path"]), exist_ok=True)
            extract(im, debs, work, r["path"] + ".part", pvhcheck)
            os.rename(r["path"] + ".part", r["path"])
            say("%s: %s %s -> %s (%.0f s)" % (im.id, res["package"], res["version"], r["path"], time.monotonic() - t0))
        except (RuntimeError, papt.AptError, OSError) as e:
            r["fetch_error"] = str(e)
            say("%s: %s" % (im.id, e))
        finally:
            shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------- inspect


def readelf_entry(path):
    """The PHYS32_ENTRY value readelf -n shows (little-endian description bytes)."""
    r = subprocess.run(["readelf", "-n", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       universal_newlines=True)
    return parse_readelf_entry(r.stdout)


def parse_readelf_entry(text):
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^\s*Xen\s", line) and ("0x00000012" in line or "PHYS32_ENTRY" in line):
            for nxt in lines[i + 1:i + 3]:
                m = re.search(r"description data:\s*((?:[0-9a-f]{2}\s*)+)", nxt)
                if m:
                    b = bytes(int(x, 16) for x in m.group(1).split())
                    return int.from_bytes(b[:8], "little")
            m = re.search(r"PHYS32_ENTRY.*?(0x[0-9a-f]+)\s*$", line)  # newer binutils decode it
            if m:
                return int(m.group(1), 16)
    return None


def inspect_vmlinuz(pvhcheck, path, vmlinux_entry):
    """The bzImage as shipped: pvhcheck takes it as it is; its entry must be the extracted vmlinux's."""
    r = subprocess.run([pvhcheck, "inspect", "--json", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    try:
        j = json.loads(r.stdout)
    except ValueError:
        return {"verdict": "error", "why": (r.stderr or r.stdout).strip()[-200:]}
    bz = j.get("bzimage") or {}
    out = {"verdict": "accepted" if j.get("ok") else "rejected", "entry": j.get("entry"),
           "method": bz.get("method"), "protocol": bz.get("protocol"), "payload_length": bz.get("payload_length"),
           "unpack_ms": bz.get("unpack_ms")}
    if not j.get("ok"):
        out["why"] = (j.get("error") or {}).get("message")
    out["same_entry"] = out["entry"] is not None and out["entry"] == vmlinux_entry
    return out


def inspect(pvhcheck, path):
    r = subprocess.run([pvhcheck, "inspect", "--json", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    try:
        j = json.loads(r.stdout)
    except ValueError:
        return {"verdict": "error", "why": (r.stderr or r.stdout).strip()[-200:]}
    out = {"verdict": "accepted" if j.get("ok") else "rejected", "elf_class": j.get("elf_class"),
           "note_source": j.get("note_source"), "entry": j.get("entry")}
    if not j.get("ok"):
        err = j.get("error") or {}
        out["why"] = err.get("message") if isinstance(err, dict) else str(err)
    out["readers"] = {x["reader"]: (x["entry"] if x["verdict"] == "entry" else x["verdict"])
                      for x in j.get("portability") or [] if x.get("vmm")}
    re_entry = readelf_entry(path)
    out["readelf_entry"] = "0x%x" % re_entry if re_entry is not None else None
    out["entry_matches_readelf"] = (re_entry is not None and out["entry"] is not None and int(out["entry"], 16) == re_entry)
    return out


# ---------------------------------------------------------------- the real readers


QEMU_PROBE_S = 6


def qemu_real(path, entry):
    """QEMU's own verdict: `-kernel` under TCG for a few seconds, with translated blocks logged,
    so that a PVH start shows as a block at the entry. -> "no-entry", "refused: ...",
    "started at 0x..." or "ran, not at 0x..."."""
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        return None
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "in_asm.log")
        try:
            r = subprocess.run(["timeout", str(QEMU_PROBE_S), qemu, "-M", "microvm", "-accel", "tcg", "-m", "512M",
                                "-nographic", "-nodefaults", "-no-reboot", "-d", "in_asm", "-D", log, "-kernel", path],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               universal_newlines=True, errors="replace")
        except OSError as e:
            return "not run: %s" % e
        if "without PVH ELF Note" in r.stdout:
            return "no-entry"
        if r.returncode not in (0, 124):
            return "refused: " + re.sub(r"[^ -~]", "?", r.stdout.strip().splitlines()[-1] if r.stdout.strip() else "exit %d" % r.returncode)[:80]
        if not entry:
            return "ran"
        want = re.compile(r"^0x0*%x:" % int(entry, 16), re.M)
        seen = False
        with open(log, errors="replace") as f:
            for chunk in iter(lambda: f.read(1 << 20), ""):
                if want.search(chunk):
                    seen = True
                    break
        return ("started at %s" if seen else "ran, not at %s") % entry


def xen_real(build_dir, path):
    """libxenguest's verdict (tests/readers/readers_xen_peer) -> "0x..." or "no-entry: ..."."""
    peer = os.path.join(build_dir, "tests", "readers", "readers_xen_peer")
    if not os.path.isfile(peer):
        return None
    r = subprocess.run([peer, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    try:
        j = json.loads(r.stdout)
    except ValueError:
        return "not run: " + (r.stderr.strip() or "exit %d" % r.returncode)[-80:]
    return j["entry"] if j["pvh"] else "no-entry: " + (j.get("error") or j.get("loader") or "rc %d" % j["rc"])[:80]


def readers_real(build_dir, path, pvh_entry):
    """The real QEMU and libxenguest on an image. QEMU is watched for a start at the PVH entry
    pvhcheck found (None: just whether it runs)."""
    return {"QEMU": qemu_real(path, pvh_entry), "Xen 4.17": xen_real(build_dir, path)}


# ---------------------------------------------------------------- boot checks


# What a kvm-pvm host allows (kvm/README.md, linux/README.md): its emulator cannot run xrstor, so a
# 64-bit kernel stops at its first xrstor (before or after the console line, by kernel); it cannot
# enable 32-bit PAE paging, so a 686-pae kernel triple-faults right after the entry.
PVM_XRSTOR = "kvm-pvm xrstor stop"
PVM_PAE = "kvm-pvm PAE stop"


def boot_args(im, image, elf_class, busybox32, kvm_pvm):
    """(pvhcheck boot arguments, expectation) for an image. The expectation is
    the stage to reach, "0xe9 line", "entry", or one of the kvm-pvm stops."""
    if im.kind == "linux":
        if kvm_pvm and elf_class == 32:
            until, exp = "entry", PVM_PAE
        elif kvm_pvm:
            until, exp = "console", PVM_XRSTOR
        else:
            until = exp = "poweroff"
        args = ["boot", "--linux", image, "--until", until, "--timeout", "280", "--json"]
        if kvm_pvm and elf_class != 32:
            args += ["--cpuid-mask", "cx16"]
        if elf_class == 32 and busybox32:
            args += ["--busybox", busybox32]
        return args, exp
    if im.kind == "grub":
        return ["boot", image, "--expect", GRUB_LINE, "--timeout", "30", "--json"], "0xe9 line"
    return ["boot", image, "--timeout", "20", "--json"], "entry"


def linux_ok(expectation, reached, mismatch, end_detail):
    """Entry proved, nothing echoed differs from what we placed, and the run got
    as far as this KVM allows."""
    if "entry" not in reached or mismatch:
        return False
    if expectation == PVM_XRSTOR:  # every stage before the stop verified, the stop is xrstor
        return "e820" in reached and ("48 0f ae" in end_detail or "xrstor" in end_detail)
    if expectation == PVM_PAE:
        return "triple" in end_detail or "shutdown" in end_detail
    return expectation in reached


def judge(im, j, expectation):
    """Result cells from pvhcheck's JSON: furthest, entry proof, seconds, ok."""
    if not isinstance(j, dict):
        return {"furthest": "no result", "entry": "-", "ok": False}
    if im.kind == "linux":
        # pvhcheck's schema 1 puts the stage table under "linux" (docs/schema/).
        table = j.get("linux") if isinstance(j.get("linux"), dict) else j
        stages = {s["name"]: s for s in table.get("stages", [])}
        reached = [n for n in LINUX_STAGES if stages.get(n, {}).get("state") == "reached" and n != "end"]
        furthest = reached[-1] if reached else "none"
        ent = stages.get("entry", {})
        end = stages.get("end", {})
        entry = "proved" if ent.get("state") == "reached" else "NOT proved: %s" % ent.get("detail", "")
        method = re.search(r"(single-step|hardware breakpoint|hw-breakpoint)", ent.get("detail", ""))
        if method and entry == "proved":  # the method under the name the JSON's entry_proof.method uses
            entry += " (%s)" % method.group(1).replace("hardware breakpoint", "hw-breakpoint")
        secs = stages.get("end", {}).get("host_s")
        # Through the expected stage, entry proved, nothing the kernel echoed differs from what we
        # placed. (On kvm-pvm the run then stops at xrstor, so pvhcheck's own verdict is not asked.)
        mismatch = [n for n, s in stages.items() if s.get("state") == "mismatch" and n != "end"]
        ok = linux_ok(expectation, reached, mismatch, end.get("detail") or "")
        if ok and expectation == PVM_XRSTOR:
            furthest += ", then kvm-pvm's xrstor stop"
        elif ok and expectation == PVM_PAE:
            furthest += ", then kvm-pvm's triple fault at the PAE CR0.PG write"
        out = {"furthest": furthest, "entry": entry, "seconds": secs, "ok": ok,
               "detail": (end.get("detail") or (j.get("error") or {}).get("message", ""))[:300]}
        if mismatch:
            out["detail"] = "mismatch in %s: %s" % (", ".join(mismatch), stages[mismatch[0]].get("detail", ""))[:300]
        return out
    ep = j.get("entry_proof") or {}
    entry = "proved" if ep.get("proved") else "NOT proved: %s" % ep.get("why", j.get("error"))
    if ep.get("proved") and ep.get("method"):
        entry += " (%s)" % ep["method"]
    run = j.get("run") or {}
    secs = (run.get("wall_ms") or 0) / 1e3
    text = (j.get("debugcon") or j.get("console") or "").strip()
    first = text.splitlines()[0][:90] if text else ""
    if im.kind == "grub":
        ok = bool(ep.get("proved")) and bool(j.get("expect_seen"))
        furthest = "0xe9: %s" % first if first else "entry (no 0xe9 line; %s)" % run.get("end")
    else:
        ok = bool(ep.get("proved"))
        furthest = "%s%s" % (run.get("end", "?"), ("; first output: " + first) if first else
                             "; no output, %s exit(s)" % run.get("exits", "?"))
        if run.get("stopped_at"):
            furthest += "; stopped at %s %s" % (run["stopped_at"].get("linear_rip"), run["stopped_at"].get("instruction"))
    return {"furthest": furthest, "entry": entry, "seconds": secs, "ok": ok}


def json_line(text):
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


def boot_host(pvhcheck, im, path, elf_class, busybox32, kvm_pvm):
    args, exp = boot_args(im, path, elf_class, busybox32, kvm_pvm)
    t0 = time.monotonic()
    r = subprocess.run([pvhcheck] + args + ["--env-exit-code", "77"], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, universal_newlines=True, timeout=400)
    res = judge(im, json_line(r.stdout), exp)
    res["wall_s"] = time.monotonic() - t0
    res["expect"] = exp
    return res


def boot_lab(im, path, elf_class, busybox32, extra_s=0):
    files = ["--file", path]
    bb = None
    if busybox32 and elf_class == 32 and im.kind == "linux":
        files += ["--file", busybox32]
        bb = "/lab/files/" + os.path.basename(busybox32)
    args, exp = boot_args(im, "/lab/files/" + os.path.basename(path), elf_class, bb, False)
    size_mb = os.path.getsize(path) >> 20
    mem = 2048 if size_mb < 150 else 2048 + 3 * size_mb
    # 32-bit PAE paging needs kvm_amd npt=0 in the lab (QEMU TCG sets reserved bit 5 in PAE PDPTEs with NPT).
    shadow = im.kind == "linux" and elf_class == 32
    cmd = [os.path.join(SOURCE_DIR, "tools", "kvm-lab.sh"), "--quiet", "--timeout", str(420 + extra_s), "--mem", str(mem),
           "--npt", "off" if shadow else "on"] + files + \
        ["--", "sh", "-c", " ".join(["pvhcheck"] + ["'%s'" % a for a in args]) + " 2>/dev/null"]
    t0 = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=600 + extra_s)
    j = json_line(r.stdout)
    res = judge(im, j, exp)
    if j is None:
        res["detail"] = ("lab exit %d: %s" % (r.returncode, (r.stderr or r.stdout).strip()[-300:]))
    res["wall_s"] = time.monotonic() - t0
    res["expect"] = exp
    res["kvm"] = "kvm_amd npt=0" if shadow else "kvm_amd npt"
    return res


def host_kvm():
    """(usable, kvm_pvm, why)."""
    if not os.path.exists("/dev/kvm"):
        return False, False, "no /dev/kvm"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False, False, "/dev/kvm not accessible"
    return True, os.path.isdir("/sys/module/kvm_pvm"), ""


# ---------------------------------------------------------------- main


def parse_args(argv):
    p = argparse.ArgumentParser(prog="tools/kernel-matrix.sh", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--ci", action="store_true", help="bounded run: the 6.1 cloud kernel and GRUB 2.06 (ELF32)")
    p.add_argument("--only", help="comma-separated image ids or globs (see --list)")
    p.add_argument("--list", action="store_true", help="list the images and what the archive resolves them to")
    p.add_argument("--ids", action="store_true",
                   help="print the chosen image ids as a JSON array and exit (no network): a CI matrix, one job each")
    p.add_argument("--no-host", action="store_true", help="no boot checks on the host's KVM")
    p.add_argument("--no-lab", action="store_true", help="no boot checks in the KVM lab")
    p.add_argument("--no-boot", action="store_true", help="fetch and inspect only")
    p.add_argument("--refresh", action="store_true", help="apt-get update even if the lists are fresh")
    p.add_argument("--update-docs", action="store_true", help="rewrite the matrix block in README.md and docs/kernel-matrix.md")
    p.add_argument("--readers-only", action="store_true",
                   help="inspect and run the real readers only, and put the readers column into the published "
                        "docs/kernel-matrix.json rows (no boots; with --update-docs, rewrite the blocks)")
    p.add_argument("--out", default=None, help="directory for matrix.md and matrix.json (default: the cache)")
    p.add_argument("--build-dir", default=os.path.join(SOURCE_DIR, "build", "default"))
    return p.parse_args(argv)


def main(argv):
    a = parse_args(argv)
    started = time.monotonic()
    cache = os.path.join(os.environ.get("PVH_CACHE_DIR") or os.path.expanduser("~/.cache/pvhcheck"), "matrix")
    pvhcheck = os.path.join(a.build_dir, "cli", "pvhcheck")
    try:
        chosen = imgs.by_id(a.only) if a.only else imgs.ci_images() if a.ci else list(imgs.IMAGES)
    except ValueError as e:
        print("kernel-matrix: usage error: %s" % e, file=sys.stderr)
        return 2
    if a.ids:
        print(json.dumps([im.id for im in chosen]))
        return 0
    if not a.list and not os.path.isfile(pvhcheck):
        print("kernel-matrix: error: %s not built (cmake --build build/default)" % pvhcheck, file=sys.stderr)
        return 3
    apt = papt.PrivateApt(os.path.join(cache, "apt"))
    try:
        if apt.update(refresh=a.refresh):
            say("apt lists updated (private config in %s)" % apt.root)
    except papt.AptError as e:
        print("kernel-matrix: error: %s" % e, file=sys.stderr)
        return 3
    os.makedirs(os.path.join(cache, "images"), exist_ok=True)
    rows = []
    for im in chosen:
        res = resolve(apt, im)
        row = {"image": im, "res": res}
        if "missing" not in res:
            row["path"] = os.path.join(image_dir(cache, im, res), "image")
        rows.append(row)
    if a.list:
        for r in rows:
            res = r["res"]
            print("%-22s %-9s %s" % (r["image"].id, r["image"].kind, res.get("missing") or "%s %s (%.0f MB)" % (
                res["package"], res["version"], res["size"] / 1048576.0)))
        return 0
    fetch_all(apt, cache, rows, pvhcheck)
    usable, pvm, why = host_kvm()
    a.no_boot = a.no_boot or a.readers_only
    do_host = not a.no_host and not a.no_boot and usable
    if not a.no_host and not a.no_boot and not usable:
        say("host KVM not used: %s" % why)
    bb32 = os.path.join(os.path.dirname(cache), "i386", "busybox")
    want32 = not a.no_boot and any(r["image"].kind == "linux" and r["image"].arch == "i386" for r in rows)
    if want32 and not os.path.isfile(bb32):
        say("the 686-pae kernel needs an i386 busybox for its initramfs: running linux/fetch-i386.sh")
        subprocess.run(["bash", os.path.join(SOURCE_DIR, "linux", "fetch-i386.sh")])
    bb32 = bb32 if os.path.isfile(bb32) else None
    results = []
    for r in rows:
        im, res = r["image"], r["res"]
        out = {"image": im.id, "kind": im.kind, "note": im.note}
        if "missing" in res:
            out["status"] = "missing"
            out["why"] = res["missing"]
            say("%s: missing from the archive: %s" % (im.id, res["missing"]))
            results.append(out)
            continue
        out.update(package=res["package"], version=res["version"], size_mb=round(res["size"] / 1048576.0, 1))
        if r.get("fetch_error") or not os.path.isfile(r["path"]):
            out["status"] = "fetch-failed"
            out["why"] = r.get("fetch_error", "image not extracted")
            results.append(out)
            continue
        out["status"] = "checked"
        out["inspect"] = ins = inspect(pvhcheck, r["path"])
        ins["readers_real"] = readers_real(a.build_dir, r["path"], ins.get("entry"))
        say("%s: readers: models %s; real %s" % (im.id, ins.get("readers"), ins["readers_real"]))
        line = "%s: inspect %s, entry %s (readelf %s), ELF%s %s" % (
            im.id, ins["verdict"], ins.get("entry"), ins.get("readelf_entry"), ins.get("elf_class"), ins.get("note_source"))
        say(line)
        vz = vmlinuz_path(r["path"])
        if wants_vmlinuz(im) and os.path.isfile(vz):
            out["vmlinuz"] = vins = inspect_vmlinuz(pvhcheck, vz, ins.get("entry"))
            say("%s: vmlinuz as shipped: inspect %s (%s, protocol %s), entry %s%s" % (
                im.id, vins["verdict"], vins.get("method"), vins.get("protocol"), vins.get("entry"),
                " = the vmlinux's" if vins.get("same_entry") else " DIFFERS from the vmlinux's"))
            if vins["verdict"] == "accepted" and not a.no_boot and not a.no_lab:
                # Unpacking the payload runs under TCG in the lab: an xz kernel takes minutes there.
                vins["lab"] = boot_lab(im, vz, ins.get("elf_class"), bb32, extra_s=480)
                say("%s: vmlinuz lab: %s, entry %s, %s" % (im.id, vins["lab"]["furthest"], vins["lab"]["entry"],
                                                           "ok" if vins["lab"]["ok"] else "NOT as expected"))
        if ins["verdict"] == "accepted" and not a.no_boot:
            if not a.no_lab:
                out["lab"] = boot_lab(im, r["path"], ins.get("elf_class"), bb32)
                say("%s: lab: %s, entry %s, %s (%.0f s wall)" % (im.id, out["lab"]["furthest"], out["lab"]["entry"],
                                                                  "ok" if out["lab"]["ok"] else "NOT as expected",
                                                                  out["lab"]["wall_s"]))
            if do_host:
                out["host"] = boot_host(pvhcheck, im, r["path"], ins.get("elf_class"), bb32, pvm)
                out["host"]["kvm"] = "kvm-pvm" if pvm else "kvm"
                say("%s: host: %s, entry %s, %s (%.0f s wall)" % (im.id, out["host"]["furthest"], out["host"]["entry"],
                                                                   "ok" if out["host"]["ok"] else "NOT as expected",
                                                                   out["host"]["wall_s"]))
        results.append(out)
    elapsed = time.monotonic() - started
    doc = {"generated": time.strftime("%Y-%m-%d", time.gmtime()), "wall_s": round(elapsed),
           "mode": "ci" if a.ci else "only" if a.only else "full", "host_kvm": ("kvm-pvm" if pvm else "kvm") if do_host else None,
           "images": results}
    outdir = a.out or cache
    os.makedirs(outdir, exist_ok=True)
    if a.readers_only:
        doc = merge_readers(os.path.join(SOURCE_DIR, "docs", "kernel-matrix.json"), doc)
    elif a.only:
        doc = merge_rows(os.path.join(outdir, "matrix.json"), doc)
    md = markdown(doc)
    with open(os.path.join(outdir, "matrix.json"), "w") as f:
        json.dump(doc, f, indent=1)
    with open(os.path.join(outdir, "matrix.md"), "w") as f:
        f.write(md)
    print(md)
    if a.update_docs:
        # The same block lives in the README's "Known kernels" section and in the docs page.
        update_docs(os.path.join(SOURCE_DIR, "docs", "kernel-matrix.md"), md)
        update_docs(os.path.join(SOURCE_DIR, "README.md"), md)
        with open(os.path.join(SOURCE_DIR, "docs", "kernel-matrix.json"), "w") as f:
            json.dump(doc, f, indent=1)
        say("README.md, docs/kernel-matrix.md and docs/kernel-matrix.json updated")
    bad = failures(results)
    say("%d images, %d not as expected, %d missing from the archive; %.0f s wall; %s/matrix.{md,json}" % (
        len(results), len(bad), len([x for x in results if x["status"] == "missing"]), elapsed, outdir))
    for b in bad:
        say("not as expected: %s" % b)
    return 1 if bad else 0


def merge_readers(prev_path, doc):
    """--readers-only: the readers of each new row go into the published row of the same image
    and version; everything else of the published matrix stays as it was."""
    try:
        with open(prev_path) as f:
            prev = json.load(f)
    except (OSError, ValueError):
        return doc
    new = {x["image"]: x for x in doc["images"] if x.get("status") == "checked"}
    for x in prev.get("images", []):
        n = new.get(x["image"])
        if n and x.get("status") == "checked" and x.get("version") == n.get("version"):
            for k in ("readers", "readers_real"):
                x["inspect"][k] = n["inspect"].get(k)
    prev["readers_date"] = doc["generated"]
    return prev


def merge_rows(prev_path, doc):
    """--only: the new rows replace theirs in the last full matrix (if there is one), so the
    table keeps every image; the rerun ids are listed under the table."""
    try:
        with open(prev_path) as f:
            prev = json.load(f)
    except (OSError, ValueError):
        return doc
    new = {x["image"]: x for x in doc["images"]}
    order = [im.id for im in imgs.IMAGES]
    rows = {x["image"]: x for x in prev.get("images", [])}
    rows.update(new)
    merged = dict(prev, images=[rows[i] for i in order if i in rows])
    merged["rerun"] = sorted(set(prev.get("rerun", [])) | set(new))
    merged["rerun_date"] = doc["generated"]
    return merged


def failures(results):
    bad = []
    for x in results:
        if x["status"] == "fetch-failed":
            bad.append("%s: %s" % (x["image"], x["why"]))
        if x["status"] != "checked":
            continue
        ins = x["inspect"]
        if ins["verdict"] != "accepted" or not ins["entry_matches_readelf"]:
            bad.append("%s: inspect %s, entry %s vs readelf %s" % (x["image"], ins["verdict"], ins.get("entry"), ins.get("readelf_entry")))
        for be in ("lab", "host"):
            if be in x and not x[be]["ok"]:
                bad.append("%s: %s: %s, entry %s" % (x["image"], be, x[be]["furthest"], x[be]["entry"]))
        vz = x.get("vmlinuz")
        if vz and (vz["verdict"] != "accepted" or not vz.get("same_entry")):
            bad.append("%s: vmlinuz as shipped: inspect %s, entry %s (vmlinux %s)" % (
                x["image"], vz["verdict"], vz.get("entry"), ins.get("entry")))
        if vz and "lab" in vz and not vz["lab"]["ok"]:
            bad.append("%s: vmlinuz lab: %s, entry %s" % (x["image"], vz["lab"]["furthest"], vz["lab"]["entry"]))
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
