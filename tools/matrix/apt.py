"""apt with a configuration of its own (sources, lists, cache under one
private directory), so the host's apt set-up is never changed: no new
architecture, no sources, no root needed beyond what apt-get download needs.
The host's apt.conf.d still applies (proxies, transports)."""

import functools
import os
import re
import shutil
import subprocess
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


class PrivateApt:
    def __init__(self, root, mirror=None):
        self.root = root
        self.mirror = mirror or os.environ.get("PVH_DEBIAN_MIRROR", "http://deb.debian.org/debian")
        for d in ("etc/sources.list.d", "etc/preferences.d", "state/lists/partial", "cache/archives/partial"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
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
                "-o", "APT::Architectures::=amd64", "-o", "APT::Architectures::=i386",
                "-o", "Debug::NoLocking=1", "-o", "APT::Sandbox::User=root"]

    def lists_age(self):
        lists = os.path.join(self.root, "state", "lists")
        stamps = [os.path.getmtime(os.path.join(lists, f)) for f in os.listdir(lists) if f.endswith("InRelease")]
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
