#!/usr/bin/env python3
"""apt with a configuration of its own (sources, lists, cache under one
private directory), so the host's apt set-up is never changed: no new
architecture, no sources, no root needed beyond what apt-get download needs.
The host's apt.conf.d still applies (proxies, transports).

The one private apt of the project: tools/matrix/ imports it, and shell
scripts (linux/fetch-i386.sh) use its command line:

  private_apt.py --root DIR [--arch A]... [--host-sources] update
  private_apt.py ... depends PKG PREFIX    the PREFIX* package PKG's newest version depends on
  private_apt.py ... size PKG...           bytes of the newest version of each, summed
  private_apt.py ... download DEST PKG...  the newest .deb of each into DEST, one path a line

Sources are Debian's suites under PVH_DEBIAN_MIRROR (default), or with
--host-sources the host's own Debian sources (third-party ones left out).
Exit 0, 1 on an apt failure or nothing found (said on stderr), 2 usage.
"""

import argparse
import functools
import glob
import os
import re
import shutil
import subprocess
import sys
import time

SUITES = [
    ("debian", "bookworm"),
    ("debian", "bookworm-updates"),
    ("debian-security", "bookworm-security"),
    ("debian", "bookworm-backports"),
    ("debian", "trixie"),
]
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"


class AptError(Exception):
    pass


def sources_list(mirror):
    """One line per suite, amd64 and i386, signed by Debian's archive key."""
    base = mirror.rstrip("/")
    lines = []
    for archive, suite in SUITES:
        url = base[: -len("/debian")] + "/" + archive if base.endswith("/debian") else base + "/" + archive
        lines.append("deb [arch=amd64,i386 signed-by=%s] %s %s main" % (KEYRING, url, suite))
    return "\n".join(lines) + "\n"


def parse_stanzas(text):
    """apt-cache show output -> list of {field: value} (continuation lines joined)."""
    out, cur, last = [], {}, None
    for line in text.splitlines():
        if not line.strip():
            if cur:
                out.append(cur)
            cur, last = {}, None
        elif line[0] in " \t" and last:
            cur[last] += "\n" + line.strip()
        else:
            k, _, v = line.partition(":")
            cur[k], last = v.strip(), k
    if cur:
        out.append(cur)
    return out


def image_dependency(depends, prefix="linux-image-"):
    """The linux-image-* package a metapackage depends on, and its '=' version if pinned."""
    for alt in depends.split(","):
        name = alt.split("|")[0].strip()
        m = re.match(r"^(%s\S+)(?:\s*\(\s*=\s*([^)\s]+)\s*\))?" % re.escape(prefix), name)
        if m:
            return m.group(1).split(":")[0], m.group(2)
    return None, None


def compare_versions(a, b):
    if a == b:
        return 0
    if subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0:
        return -1
    return 1


def highest(stanzas, version_re):
    rx = re.compile(version_re)
    hits = [s for s in stanzas if rx.search(s.get("Version", ""))]
    if not hits:
        return None
    return sorted(hits, key=functools.cmp_to_key(lambda x, y: compare_versions(x["Version"], y["Version"])))[-1]


# Only Debian's own archive is taken from the host: third-party repositories
# (often amd64-only) would make an i386 `apt-get update` fail.
DEBIAN_SOURCE = re.compile(r"deb\.debian\.org|debian\.org/debian|snapshot\.debian")


def copy_host_sources(etc, host="/etc/apt"):
    """The host's Debian sources (one-line and deb822 files) into etc/; False when there are none."""
    for f in glob.glob(os.path.join(etc, "sources.list.d", "*")):
        os.remove(f)
    found = False
    main = os.path.join(host, "sources.list")
    src = os.path.join(etc, "sources.list")
    if os.path.exists(src):
        os.remove(src)
    if os.path.isfile(main):
        shutil.copy(main, src)
        found = os.path.getsize(src) > 0
    for f in sorted(glob.glob(os.path.join(host, "sources.list.d", "*.list")) +
                    glob.glob(os.path.join(host, "sources.list.d", "*.sources"))):
        if os.path.isfile(f) and DEBIAN_SOURCE.search(open(f, errors="replace").read()):
            shutil.copy(f, os.path.join(etc, "sources.list.d"))
            found = True
    return found


class PrivateApt:
    def __init__(self, root, mirror=None, arches=("amd64", "i386"), host_sources=False):
        self.root = root
        self.arches = list(arches)
        self.host_sources = host_sources
        self.mirror = mirror or os.environ.get("PVH_DEBIAN_MIRROR", "http://deb.debian.org/debian")
        for d in ("etc/sources.list.d", "etc/preferences.d", "state/lists/partial", "cache/archives/partial"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        # An empty package status: what the host has installed never changes an answer.
        open(os.path.join(root, "state", "status"), "a").close()
        if host_sources:
            if not copy_host_sources(os.path.join(root, "etc")):
                raise AptError("no Debian apt sources on this host")
            return
        src = os.path.join(root, "etc", "sources.list")
        text = sources_list(self.mirror)
        if not os.path.exists(src) or open(src).read() != text:
            with open(src, "w") as f:
                f.write(text)

    def opts(self):
        r = self.root
        return ["-o", "Dir::Etc::SourceList=%s/etc/sources.list" % r,
                "-o", "Dir::Etc::SourceParts=%s/etc/sources.list.d" % r,
                "-o", "Dir::Etc::PreferencesParts=%s/etc/preferences.d" % r,
                "-o", "Dir::State=%s/state" % r, "-o", "Dir::Cache=%s/cache" % r,
                # the binary cache apt would rebuild on every call (docker images switch it off)
                "-o", "Dir::Cache::pkgcache=pkgcache.bin", "-o", "Dir::Cache::srcpkgcache=srcpkgcache.bin",
                "-o", "Dir::State::status=%s/state/status" % r,
                # the first architecture is the one names without ":arch" resolve for
                "-o", "APT::Architecture=%s" % self.arches[0]] + \
            [o for a in self.arches for o in ("-o", "APT::Architectures::=%s" % a)] + \
            ["-o", "Debug::NoLocking=1", "-o", "APT::Sandbox::User=root", "-o", "APT::Get::AllowUnauthenticated=false"]

    def lists_age(self):
        lists = os.path.join(self.root, "state", "lists")
        stamps = [os.path.getmtime(os.path.join(lists, f)) for f in os.listdir(lists) if f.endswith("InRelease")]
        if self.host_sources:  # how many suites the host names is not known here
            return None
        return time.time() - min(stamps) if len(stamps) >= len(SUITES) else None

    def update(self, refresh=False, max_age=24 * 3600):
        age = self.lists_age()
        if not refresh and age is not None and age < max_age:
            return False
        r = subprocess.run(["apt-get"] + self.opts() + ["-q", "update"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True)
        if r.returncode != 0:
            raise AptError("apt-get update (private config in %s) failed: %s" % (self.root, r.stderr.strip()[-600:]))
        return True

    def show(self, pkg, arch):
        r = subprocess.run(["apt-cache"] + self.opts() + ["show", "%s:%s" % (pkg, arch)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True)
        if r.returncode != 0:
            return []
        return [s for s in parse_stanzas(r.stdout) if s.get("Package") == pkg]

    def resolve(self, pkg, version_re, arch):
        return highest(self.show(pkg, arch), version_re)

    def download(self, stanza, arch, dest):
        """The .deb of stanza into dest (kept there, reused when its size matches)."""
        os.makedirs(dest, exist_ok=True)
        name = os.path.basename(stanza["Filename"])
        path = os.path.join(dest, name)
        if os.path.exists(path) and os.path.getsize(path) == int(stanza.get("Size", -1)):
            return path
        spec = "%s:%s=%s" % (stanza["Package"], arch, stanza["Version"])
        r = subprocess.run(["apt-get"] + self.opts() + ["-q", "download", spec], cwd=dest, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True)
        if r.returncode != 0 or not os.path.exists(path):
            got = [f for f in os.listdir(dest) if f.startswith(stanza["Package"] + "_") and f.endswith(".deb")]
            if r.returncode == 0 and len(got) == 1:
                shutil.move(os.path.join(dest, got[0]), path)
            else:
                raise AptError("apt-get download %s failed: %s" % (spec, r.stderr.strip()[-400:]))
        return path

    def newest(self, pkg, arch):
        """The newest version's stanza of pkg, or AptError."""
        st = self.resolve(pkg, ".", arch)
        if not st:
            raise AptError("%s:%s not found in the lists (private config in %s)" % (pkg, arch, self.root))
        return st

    def forget_lists(self):
        """Drop the package lists and downloaded archives (only needed to resolve names)."""
        for d in ("state/lists", "cache"):
            shutil.rmtree(os.path.join(self.root, d), ignore_errors=True)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="private_apt.py", description="apt with a private configuration")
    ap.add_argument("--root", required=True, help="the private directory (sources, lists, cache)")
    ap.add_argument("--arch", action="append", help="architecture (repeat; the first is primary)")
    ap.add_argument("--host-sources", action="store_true", help="the host's Debian sources, not the mirror's suites")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("update")
    sub.add_parser("forget-lists")
    d = sub.add_parser("depends")
    d.add_argument("pkg")
    d.add_argument("prefix")
    z = sub.add_parser("size")
    z.add_argument("pkgs", nargs="+")
    g = sub.add_parser("download")
    g.add_argument("dest")
    g.add_argument("pkgs", nargs="+")
    a = ap.parse_args(argv)
    arches = a.arch or ["amd64", "i386"]
    try:
        apt = PrivateApt(a.root, arches=arches, host_sources=a.host_sources)
        if a.cmd == "update":
            apt.update(refresh=True)
        elif a.cmd == "forget-lists":
            apt.forget_lists()
        elif a.cmd == "depends":
            dep, _ = image_dependency(apt.newest(a.pkg, arches[0]).get("Depends", ""), a.prefix)
            if not dep:
                raise AptError("%s depends on no %s* package" % (a.pkg, a.prefix))
            print(dep)
        elif a.cmd == "size":
            print(sum(int(apt.newest(p, arches[0]).get("Size", 0)) for p in a.pkgs))
        elif a.cmd == "download":
            for p in a.pkgs:
                print(apt.download(apt.newest(p, arches[0]), arches[0], a.dest))
    except AptError as e:
        print("private_apt: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
