#!/usr/bin/env python3
"""Debian's real vmlinuz, its payload recompressed in each of the seven
methods Linux supports, each through pvhcheck's bzImage reader (bzimage/).

The vmlinuz comes from the cached package (tools/fetch-debian-kernel.sh keeps
it as ~/.cache/pvhcheck/linux-<ver>/package.deb); its vmlinux, unpacked by
`pvhcheck extract`, is recompressed by the real tools with the kernel's own
options (bzimage/mkbzimage.py) into a new bzImage per method. For each:

  method, payload bytes, unpack ms (pvhcheck's own timing of the reader),
  the same payload decompressed by the method's CLI tool (the peer, same run)
  and the ratio, peak RSS of `pvhcheck extract` (the file, the vmlinux and the
  decoder), whether the output equals the vmlinux byte for byte, and whether
  `pvhcheck inspect` of the bzImage gives the vmlinux's PVH entry.

  bench/bzimage/recompress.py [--pvhcheck PATH] [--fast] [--methods lz4,gzip]
Numbers only; never fails on time (exit 1 only for a wrong result)."""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bzimage"))
import mkbzimage  # noqa: E402

PEER = {"gzip": ["gzip", "-dc"], "xz": ["xz", "-dc"], "lzma": ["xz", "--format=lzma", "-dc"],
        "bzip2": ["bzip2", "-dc"], "lzo": ["lzop", "-dc"], "lz4": ["lz4", "-dc"], "zstd": ["zstd", "-dcq"]}


def peak_rss_kib(cmd):
    """Peak RSS of cmd alone: RUSAGE_CHILDREN of a fresh python that runs only cmd."""
    code = ("import resource,subprocess,sys;r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,"
            "stderr=subprocess.DEVNULL);print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")
    out = subprocess.run([sys.executable, "-c", code] + cmd, stdout=subprocess.PIPE, universal_newlines=True).stdout
    kib, rc = out.split()
    return int(kib), int(rc)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pvhcheck", default=os.path.join(ROOT, "build", "default", "cli", "pvhcheck"))
    p.add_argument("--fast", action="store_true", help="low compression levels (same formats)")
    p.add_argument("--methods", default="gzip,xz,lzma,bzip2,lzo,lz4,zstd")
    p.add_argument("--json", help="also write the rows here")
    a = p.parse_args(argv)
    cache = os.environ.get("PVH_CACHE_DIR") or os.path.expanduser("~/.cache/pvhcheck")
    debs = sorted(glob.glob(os.path.join(cache, "linux-*", "package.deb")))
    if not debs or not os.path.isfile(a.pvhcheck):
        print("recompress: needs %s and a cached package (tools/fetch-debian-kernel.sh)" % a.pvhcheck, file=sys.stderr)
        return 77
    work = tempfile.mkdtemp(prefix="pvh-bzbench.")
    try:
        subprocess.run("dpkg-deb --fsys-tarfile '%s' | tar -x -C '%s' --wildcards './boot/vmlinuz-*'" % (debs[-1], work),
                       shell=True, check=True)
        vmlinuz = glob.glob(os.path.join(work, "boot", "vmlinuz-*"))[0]
        vmlinux = os.path.join(work, "vmlinux")
        subprocess.run([a.pvhcheck, "extract", "--output", vmlinux, vmlinuz], check=True, stdout=subprocess.DEVNULL)
        ref = open(vmlinux, "rb").read()

        def inspect(path):
            r = subprocess.run([a.pvhcheck, "inspect", "--json", path], stdout=subprocess.PIPE, universal_newlines=True)
            return json.loads(r.stdout)

        want_entry = inspect(vmlinux)["entry"]
        orig = inspect(vmlinuz)
        print("# %s: %s, payload %s %d bytes -> vmlinux %d bytes, entry %s" % (
            os.path.basename(vmlinuz), debs[-1], orig["bzimage"]["method"], orig["bzimage"]["payload_length"],
            len(ref), want_entry))
        rows, bad = [], 0
        print("%-6s %12s %10s %10s %7s %10s %9s %6s" % ("method", "payload", "unpack_ms", "peer_ms", "ratio",
                                                       "rss_MiB", "bytes", "entry"))
        for m in a.methods.split(","):
            t0 = time.monotonic()
            stream = mkbzimage.compress(m, ref, a.fast)
            comp_s = time.monotonic() - t0
            if m == "gzip":
                payload = stream
            else:
                payload = stream + len(ref).to_bytes(4, "little")
            bz = os.path.join(work, "bz." + m)
            open(bz, "wb").write(mkbzimage.build(payload))
            out = os.path.join(work, "out." + m)
            r = subprocess.run([a.pvhcheck, "extract", "--json", "--output", out, bz], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, universal_newlines=True)
            j = json.loads(r.stdout)
            same = r.returncode == 0 and open(out, "rb").read() == ref
            os.unlink(out)
            rss, _ = peak_rss_kib([a.pvhcheck, "extract", "--output", out, bz])
            os.unlink(out)
            # The peer: the method's own tool on the same stream, to /dev/null.
            sf = os.path.join(work, "stream." + m)
            open(sf, "wb").write(stream)
            t0 = time.monotonic()
            with open(sf, "rb") as fin:
                subprocess.run(PEER[m], stdin=fin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            peer_ms = (time.monotonic() - t0) * 1e3
            entry = inspect(bz).get("entry")
            ok = same and entry == want_entry
            bad += not ok
            row = {"method": m, "payload_bytes": len(payload), "unpack_ms": round(j["bzimage"]["unpack_ms"], 1),
                   "peer_ms": round(peer_ms, 1), "peak_rss_mib": round(rss / 1024.0, 1), "same_bytes": same,
                   "entry": entry, "same_entry": entry == want_entry, "compress_s": round(comp_s, 1)}
            rows.append(row)
            print("%-6s %12d %10.1f %10.1f %7.2f %10.1f %9s %6s" % (
                m, len(payload), row["unpack_ms"], peer_ms, row["unpack_ms"] / peer_ms if peer_ms else 0, row["peak_rss_mib"],
                "same" if same else "DIFFER", "same" if entry == want_entry else entry), flush=True)
        if a.json:
            with open(a.json, "w") as f:
                json.dump({"vmlinuz": os.path.basename(vmlinuz), "vmlinux_bytes": len(ref), "entry": want_entry,
                           "rows": rows}, f, indent=1)
        print("# unpack_ms: pvhcheck's in-process time of the reader; peer_ms: the CLI tool's wall time for the same "
              "stream (process start and output to /dev/null included); rss: peak RSS of `pvhcheck extract`.")
        return 1 if bad else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
